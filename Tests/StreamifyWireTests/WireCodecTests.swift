import StreamifyWire
import Testing

@Suite("Wire codec (protobuf-c)")
struct WireCodecTests {
    static let transaction = Transaction(
        transactionID: "tx-1", cardID: "card-42", merchantID: "m-7", amountMinor: 12_999, currency: "EUR",
        eventTimeMs: 1_793_628_000_000, location: GeoPoint(latitude: 48.85, longitude: 2.35), country: "FR",
        deviceID: "dev-1", ipAddress: "198.51.100.4", userAgent: "Firefox", merchantCategory: "5732",
        paymentMethod: "credit_card", channel: .online)

    @Test("requests round-trip through protobuf-c", arguments: [
        Request(requestID: 1, body: .score(transaction)),
        Request(requestID: 2, body: .scoreBatch([transaction, Transaction(cardID: "c", merchantID: "m", amountMinor: 1, eventTimeMs: 2)])),
        Request(requestID: 3, body: .feedback(Feedback(transactionID: "tx-1", cardID: "card-42", label: .fraud, eventTimeMs: 5, reportedTimeMs: 9))),
        Request(requestID: .max, body: .ping),
        Request(requestID: 0, body: nil),
    ])
    func requestRoundTrip(request: Request) throws {
        let bytes = WireCodec.encode(request)
        let decoded = try bytes.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
        #expect(decoded == request)
    }

    @Test("responses round-trip through protobuf-c")
    func responseRoundTrip() throws {
        let breakdown = RiskBreakdown(
            transactionID: "tx-1", riskScore: 0.75, level: .high,
            factors: [FactorScore(factor: .geographic, score: 1, weight: 0.9, contribution: 0.75, reason: "1,870 km")],
            modelVersion: "m-1", serverTimeMicroseconds: 12)
        let responses: [Response] = [
            Response(requestID: 1, body: .breakdown(breakdown)),
            Response(requestID: 2, body: .breakdownBatch([.breakdown(breakdown), .error(WireError(code: .invalidArgument, message: "no", field: "card_id"))])),
            Response(requestID: 3, body: .ack(.deferred)),
            Response(requestID: 4, body: .pong(Pong(version: "v", modelVersion: "m", cardsTracked: 99))),
            Response(requestID: 5, body: .error(WireError(code: .malformed, message: "bad"))),
        ]
        for response in responses {
            let decoded = try WireCodec.encode(response).withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }
            #expect(decoded == response)
        }
    }

    @Test("bytes that are not a message are refused as malformed")
    func malformed() {
        let garbage: [UInt8] = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]
        #expect(throws: WireError.self) { try garbage.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) } }
    }

    @Test("a fraud alert round-trips")
    func fraudAlert() throws {
        let alert = FraudAlert(
            transaction: Self.transaction,
            breakdown: RiskBreakdown(transactionID: "tx-1", riskScore: 0.5, level: .medium, factors: [], modelVersion: "m", serverTimeMicroseconds: 1),
            sourceTopic: "sales_stream", sourcePartition: 3, sourceOffset: 42, scoredTimeMs: 7)
        #expect(try WireCodec.encode(alert).withUnsafeBytes { try WireCodec.decode(FraudAlert.self, from: $0) } == alert)
    }

    @Test("the arena spans many chunks for large messages")
    func largeBatch() throws {
        let transactions = (0..<3_000).map { index in
            Transaction(transactionID: "tx-\(index)", cardID: "card-\(index)", merchantID: "m", amountMinor: Int64(index + 1), eventTimeMs: 1)
        }
        let request = Request(requestID: 9, body: .scoreBatch(transactions))
        let decoded = try WireCodec.encode(request).withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
        #expect(decoded == request)
    }
}
