import CStreamifyProto
import NIOCore
import ScoringTestSupport
import ScoringEngine
import ScoringModel
import StreamifyWire
import Testing

@testable import SocketDoor

/// The processor decodes the usual scoring requests itself (`BorrowingDecoder`) and hands every
/// other shape to protobuf-c. Either way a request means what protobuf-c reads it as: these
/// frames of unusual shape must be answered as their plain equivalents are.
@Suite("Frame decoding: unusual shapes answered as protobuf-c reads them")
struct FrameDecodingPathTests {
    static let number = WireFieldNumbers.request

    static func lengthDelimited(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        WireBytes.field(number, .lengthDelimited, payload)
    }

    static func transaction(card: String, at seconds: Int64, location: GeoPoint? = nil) -> Transaction {
        Transaction(
            transactionID: "tx-\(card)-\(seconds)", cardID: card, merchantID: "m-1", amountMinor: 4_200, currency: "USD",
            eventTimeMs: 1_793_628_000_000 + seconds * 1_000, location: location, country: "US", deviceID: "d-1")
    }

    /// The answers a fresh engine gives to `frames`, in order, with the server's timing zeroed.
    static func answers(_ frames: [[UInt8]]) throws -> [Response] {
        let processor = FrameProcessor(service: ScoringService(engine: RiskEngine()))
        var outbound = ByteBuffer()
        for frame in frames {
            var buffer = ByteBuffer()
            buffer.writeBytes(frame)
            processor.answer(frame: buffer, into: &outbound)
        }
        var responses: [Response] = []
        while let length = outbound.readInteger(as: UInt32.self), let body = outbound.readBytes(length: Int(length)) {
            var response = try body.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }
            switch response.body {
            case .breakdown(var breakdown):
                breakdown.serverTimeMicroseconds = 0
                response.body = .breakdown(breakdown)
            case .breakdownBatch(let items):
                response.body = .breakdownBatch(items.map { item in
                    guard case .breakdown(var breakdown) = item else { return item }
                    breakdown.serverTimeMicroseconds = 0
                    return .breakdown(breakdown)
                })
            default:
                break
            }
            responses.append(response)
        }
        return responses
    }

    @Test("a field sent twice: the last one counts, as protobuf-c reads it")
    func repeatedField() throws {
        // Earlier history on the card the last card_id names, so the two readings score apart.
        let history = (0..<5).map { WireCodec.encode(Request(requestID: 1, body: .score(Self.transaction(card: "b", at: $0)))) }
        let plain = Self.transaction(card: "b", at: 60)
        let body = WireCodec.encode(Self.transaction(card: "a", at: 60))
            + Self.lengthDelimited(WireFieldNumbers.number("card_id", in: streamify__v1__transaction__descriptor), Array("b".utf8))
        var twice = plain
        twice.transactionID = Self.transaction(card: "a", at: 60).transactionID
        let unusual = WireBytes.field(Self.number.requestID, .varint, [9])
            + Self.lengthDelimited(Self.number.score, body)
        let expected = try Self.answers(history + [WireCodec.encode(Request(requestID: 9, body: .score(twice)))])
        #expect(try Self.answers(history + [Self.asProtobufCReads(unusual)]) == expected)
        let got = try Self.answers(history + [unusual])
        #expect(got == expected)
        #expect(got.count == history.count + 1)
    }

    /// The frame protobuf-c's reading of `frame` encodes to: the same request in the usual shape.
    static func asProtobufCReads(_ frame: [UInt8]) throws -> [UInt8] {
        WireCodec.encode(try frame.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) })
    }

    @Test("a location sent twice is read as protobuf-c reads it (the last whole, not merged)")
    func locationTwice() throws {
        let first = Self.transaction(card: "c", at: 0, location: GeoPoint(latitude: 40.7, longitude: -74.0))
        let latitudeOnly = WireCodec.encode(Self.transaction(card: "c", at: 600, location: GeoPoint(latitude: 35.7, longitude: 0)))
        let longitudeOnly = WireCodec.encode(Transaction(
            cardID: "", merchantID: "", amountMinor: 0, eventTimeMs: 0, location: GeoPoint(latitude: 0, longitude: 139.7)))
        let unusual = Self.lengthDelimited(Self.number.score, latitudeOnly + longitudeOnly)
        let start = WireCodec.encode(Request(requestID: 0, body: .score(first)))
        let expected = try Self.answers([start, Self.asProtobufCReads(unusual)])
        let got = try Self.answers([start, unusual])
        #expect(got == expected)
        // protobuf-c 1.4 keeps the second location whole: (0, 139.7), 14,356 km from New York.
        let decoded = try unusual.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
        guard case .score(let transaction) = decoded.body else {
            Issue.record("not a score request: \(decoded)")
            return
        }
        #expect(transaction.location == GeoPoint(latitude: 0, longitude: 139.7))
    }

    @Test("two body fields in one request (two score_batch, score and score_batch, score and feedback) are refused on body, nothing scored")
    func bodyTwice() throws {
        let one = (0..<3).map { Self.transaction(card: "d\($0)", at: Int64($0)) }
        let two = (3..<5).map { Self.transaction(card: "d\($0)", at: Int64($0)) }
        func batch(_ transactions: [Transaction]) -> [UInt8] {
            Self.lengthDelimited(
                Self.number.scoreBatch,
                transactions.flatMap { Self.lengthDelimited(Self.number.batchTransactions, WireCodec.encode($0)) })
        }
        let score = Self.lengthDelimited(Self.number.score, WireCodec.encode(one[0]))
        let label = WireCodec.encode(Request(requestID: 0, body: .feedback(Feedback(
            transactionID: "t", cardID: "d9", label: .fraud, eventTimeMs: 1_793_628_000_000, reportedTimeMs: 1_793_628_000_000))))
        let requestID = WireBytes.field(Self.number.requestID, .varint, WireBytes.varint(31))
        for unusual in [batch(one) + batch(two), score + batch(two), batch(two) + score, score + label] {
            // protobuf-c keeps the last body: the first one's transactions would go unanswered.
            let answers = try Self.answers([requestID + unusual, WireCodec.encode(Request(requestID: 32, body: .ping))])
            #expect(answers.count == 2)
            #expect(answers.first?.requestID == 31)
            guard case .error(let error)? = answers.first?.body else {
                Issue.record("answered \(String(describing: answers.first))")
                continue
            }
            #expect(error.code == .invalidArgument)
            #expect(error.field == "body")
            guard case .pong(let pong)? = answers.last?.body else {
                Issue.record("no pong: \(String(describing: answers.last))")
                continue
            }
            #expect(pong.cardsTracked == 0, "nothing was scored")
        }
        // The same transactions in one score_batch are answered as usual.
        let plain = try Self.answers([WireCodec.encode(Request(requestID: 0, body: .scoreBatch(two)))])
        guard case .breakdownBatch(let items)? = plain.first?.body else {
            Issue.record("not a batch answer: \(String(describing: plain.first))")
            return
        }
        #expect(items.count == two.count)
    }
}
