import ScoringTestSupport
import StreamifyWire
import Testing

@Suite("Request peek: id, kind and batch size before decoding")
struct RequestPeekTests {
    static func transaction(_ index: Int) -> Transaction {
        Transaction(
            transactionID: "t\(index)", cardID: "card-\(index)", merchantID: "m", amountMinor: 100, currency: "USD",
            eventTimeMs: 1_793_628_000_000, location: GeoPoint(latitude: 1, longitude: 2), country: "US", deviceID: "d",
            merchantCategory: "5411", paymentMethod: "credit_card", channel: .online)
    }

    static func peek(_ bytes: [UInt8]) -> RequestPeek? {
        let peek = bytes.withUnsafeBytes { RequestPeek($0) }
        return peek.isWellFormed ? peek : nil
    }

    @Test("agrees with the decoder on every kind of request", arguments: [0, 1, 7, 1_000])
    func agreesWithDecoder(batchSize: Int) throws {
        let requests: [Request] = [
            Request(requestID: 42, body: .scoreBatch((0..<batchSize).map(Self.transaction))),
            Request(requestID: UInt64.max, body: .score(Self.transaction(1))),
            Request(requestID: 0, body: .ping),
            Request(requestID: 9, body: .score(Self.transaction(2)), deadlineMs: 1_793_628_000_050),
            Request(requestID: 10, body: .score(Self.transaction(3)), explain: .none),
            Request(requestID: 11, body: .scoreBatch((0..<batchSize).map(Self.transaction)), explain: .topFactor),
            Request(requestID: 300, body: .feedback(Feedback(transactionID: "t", cardID: "c", label: .fraud, eventTimeMs: 1, reportedTimeMs: 2))),
        ]
        for request in requests {
            let bytes = WireCodec.encode(request)
            let peek = try #require(Self.peek(bytes))
            #expect(peek.requestID == request.requestID)
            #expect(peek.deadlineMs == request.deadlineMs)
            #expect(Explain(wireValue: peek.explain) == request.explain)
            #expect(peek.bodyFields == 1)
            #expect(try bytes.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }.explain == request.explain)
            switch request.body {
            case .score, .scoreBatch: #expect(peek.asksForScoring)
            default: #expect(!peek.asksForScoring)
            }
            if case .scoreBatch(let transactions) = request.body {
                #expect(peek.batchTransactions == transactions.count)
            } else {
                #expect(peek.batchTransactions == 0)
            }
        }
    }

    @Test("an explain value past 32 bits counts by its low 32 bits, as protobuf-c reads an enum")
    func explainLow32Bits() throws {
        let number = WireFieldNumbers.request
        let bytes = WireBytes.field(number.requestID, .varint, WireBytes.varint(1))
            + WireBytes.field(number.explain, .varint, WireBytes.varint(1 << 32 | 1))
            + WireBytes.field(number.score, .lengthDelimited, WireCodec.encode(Self.transaction(1)))
        let peek = try #require(Self.peek(bytes))
        let decoded = try bytes.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
        #expect(Explain(wireValue: peek.explain) == decoded.explain)
        #expect(decoded.explain == .topFactor)
    }

    @Test("counts empty transactions, and every occurrence of a repeated batch field: a bound on what decoding parses")
    func emptyAndMerged() throws {
        // score_batch (field 3) holding 5 empty transactions (field 1, length 0), twice over.
        let batch: [UInt8] = [0x1A, 10] + Array(repeating: [0x0A, 0x00], count: 5).flatMap { $0 }
        let bytes: [UInt8] = [0x08, 0x07] + batch + batch
        let peek = try #require(Self.peek(bytes))
        #expect(peek == RequestPeek(requestID: 7, batchTransactions: 10, asksForScoring: true, bodyFields: 2))
        let decoded = try bytes.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
        guard case .scoreBatch(let transactions) = decoded.body else {
            Issue.record("decoded as \(String(describing: decoded.body))")
            return
        }
        // protobuf-c keeps the last occurrence, but parses both: the peek's count bounds the work.
        #expect(transactions.count == 5)
    }

    @Test("counts the body's fields as messages only: a body field number under another wire type is left to decoding")
    func bodyFieldsAreMessages() throws {
        let number = WireFieldNumbers.request
        let batch = WireBytes.field(number.scoreBatch, .lengthDelimited, [])
        let wrongType = WireBytes.field(number.score, .varint, WireBytes.varint(1))
        #expect(try #require(Self.peek(batch + batch)).bodyFields == 2)
        #expect(try #require(Self.peek(wrongType + batch)).bodyFields == 1)
        #expect(try #require(Self.peek(WireBytes.field(number.requestID, .varint, WireBytes.varint(3)))).bodyFields == 0)
    }

    @Test(
        "malformed wire bytes are refused, never read past",
        arguments: [
            [0x08],  // varint cut short
            [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // eleven-byte varint
            [0x1A, 0x05, 0x0A],  // length past the end
            [0x1A, 0x02, 0x0A, 0x05],  // nested length past its field
            [0x00, 0x01],  // field number 0
            [0x80, 0x00, 0x08],  // field number 0 in a two-byte key (a fuzzer find)
            [0x0B],  // a group
            [0x0D, 0x01, 0x02],  // fixed32 cut short
            [0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01],  // a key padded to six bytes (protobuf-c reads five)
            [0x1A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],  // a length padded to six bytes
        ] as [[UInt8]])
    func malformed(bytes: [UInt8]) {
        #expect(Self.peek(bytes) == nil)
        // What the server's peek refuses, the codec refuses too.
        #expect(throws: WireError.self) { try bytes.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) } }
    }

    @Test("an id read before the malformation is kept, so a refusal can echo it")
    func idBeforeMalformation() {
        let peek = ([0x08, 0x2A, 0x12, 0xFF, 0xFF] as [UInt8]).withUnsafeBytes { RequestPeek($0) }
        #expect(!peek.isWellFormed)
        #expect(peek.requestID == 42)
    }

    @Test("an id after a malformed batch is read too: the batch's length says where the walk goes on")
    func idAfterMalformedBatch() {
        // score_batch holding a cut-short varint, then request_id 78.
        let peek = ([0x1A, 0x01, 0x08, 0x08, 0x4E] as [UInt8]).withUnsafeBytes { RequestPeek($0) }
        #expect(!peek.isWellFormed)
        #expect(peek.requestID == 78)
    }
}
