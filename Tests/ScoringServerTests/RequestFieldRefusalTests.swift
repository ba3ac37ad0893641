import CStreamifyProto
import NIOCore
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StreamifyWire
import Testing

@testable import SocketDoor

/// Request-level fields a client can get wrong are refused on that field, never read as
/// something else: a negative deadline is not "no deadline", a token that is not text is not
/// merely a wrong token.
@Suite("Request fields: deadline_ms and the authenticate token refused on their field")
struct RequestFieldRefusalTests {
    static let token = Array("label-token-for-these-tests-000000".utf8)

    static func processor() -> FrameProcessor {
        FrameProcessor(service: ScoringService(engine: RiskEngine()), labelPolicy: LabelPolicy(labelToken: token))
    }

    /// `processor`'s one answer to `body`.
    static func answer(_ body: [UInt8], with processor: FrameProcessor) throws -> Response {
        var frame = ByteBuffer()
        frame.writeBytes(body)
        var outbound = ByteBuffer()
        processor.answer(frame: frame, into: &outbound)
        let length = outbound.readInteger(as: UInt32.self)
        let bytes = try #require(length.flatMap { outbound.readBytes(length: Int($0)) })
        return try bytes.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }
    }

    static let transaction = Transaction(
        transactionID: "t-1", cardID: "card-1", merchantID: "m-1", amountMinor: 4_200, currency: "USD",
        eventTimeMs: 1_793_628_000_000, country: "US", deviceID: "d-1")

    @Test("a negative deadline_ms is refused INVALID_ARGUMENT on deadline_ms, unscored; 0 means none", arguments: [-1, Int64.min])
    func negativeDeadline(deadlineMs: Int64) throws {
        let processor = Self.processor()
        let refused = try Self.answer(
            WireCodec.encode(Request(requestID: 4, body: .score(Self.transaction), deadlineMs: deadlineMs)), with: processor)
        #expect(refused.requestID == 4)
        guard case .error(let error) = refused.body else {
            Issue.record("answered \(refused)")
            return
        }
        #expect(error.code == .invalidArgument && error.field == "deadline_ms")
        #expect(processor.service.engine.cardsTracked == 0)
        let scored = try Self.answer(WireCodec.encode(Request(requestID: 5, body: .score(Self.transaction))), with: processor)
        guard case .breakdown = scored.body else {
            Issue.record("no deadline, yet answered \(scored)")
            return
        }
    }

    @Test(
        "an authenticate token that is not text is refused INVALID_ARGUMENT on token and grants nothing",
        arguments: [
            ([0x00] + token, "NUL"),
            (token + [0x00], "NUL"),
            (Array(token.dropLast(2)) + [0xC0, 0x80], "UTF-8"),
        ] as [([UInt8], String)])
    func tokenNotText(token: [UInt8], problem: String) throws {
        let processor = Self.processor()
        let number = WireFieldNumbers.request
        let authenticate = WireBytes.field(
            WireFieldNumbers.number("authenticate", in: streamify__v1__request__descriptor), .lengthDelimited,
            WireBytes.field(WireFieldNumbers.number("token", in: streamify__v1__authenticate__descriptor), .lengthDelimited, token))
        let refused = try Self.answer(WireBytes.field(number.requestID, .varint, WireBytes.varint(8)) + authenticate, with: processor)
        #expect(refused.requestID == 8)
        guard case .error(let error) = refused.body else {
            Issue.record("answered \(refused)")
            return
        }
        #expect(error.code == .invalidArgument && error.field == "token")
        #expect(error.message.contains(problem))
        #expect(!processor.mayLabel)
        // The real token still works on the same connection.
        let right = Request(requestID: 9, body: .authenticate(token: String(decoding: Self.token, as: UTF8.self)))
        let accepted = try Self.answer(WireCodec.encode(right), with: processor)
        guard case .authenticated = accepted.body else {
            Issue.record("the right token answered \(accepted)")
            return
        }
        #expect(processor.mayLabel)
    }
}
