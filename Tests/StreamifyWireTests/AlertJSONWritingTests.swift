import Foundation
import StreamifyWire
import Testing

/// The Kafka door writes JSON alerts and score records by hand, straight from protobuf-c
/// (`AlertJSON.write`), where it used `JSONEncoder` on `AlertJSON`: a consumer must read the
/// same values either way, whatever the text holds.
@Suite("AlertJSON written by hand")
struct AlertJSONWritingTests {
    /// An alert whose texts need every kind of escaping, with no currency given.
    static let alert = FraudAlert(
        transaction: Transaction(
            transactionID: "tx-\"quoted\"\\back/slash", cardID: "card-é-🃏", merchantID: "m\u{1}\u{1f}\n\t", amountMinor: 123_456,
            eventTimeMs: 1_764_000_000_123),
        breakdown: RiskBreakdown(
            transactionID: "tx", riskScore: 0.873_421_2, level: .high,
            factors: [
                FactorScore(factor: .amount, score: 0.1, weight: 0.33, contribution: 0.012_345_67, reason: "4.2x the card's usual"),
                FactorScore(factor: .velocity, score: 0, weight: 1, contribution: 0, reason: ""),
                FactorScore(factor: .geographic, score: 1, weight: 2.5, contribution: 0.5, reason: "900 km/h \"impossible\""),
                FactorScore(factor: .device, score: 0.25, weight: 0.7, contribution: 0.1, reason: "new device\r\n"),
                FactorScore(factor: .pattern, score: 0.999_999_9, weight: 1e-7, contribution: 3.4e38, reason: "ünïcödé"),
            ],
            modelVersion: "online.7", serverTimeMicroseconds: 12),
        sourceTopic: "sales/\"in\"", sourcePartition: 2, sourceOffset: 9_876_543_210, scoredTimeMs: 1_764_000_000_456)

    @Test("an alert reads back as the value JSONEncoder wrote")
    func alertReadsBack() throws {
        let arena = MessageArena()
        var json = JSONBuffer(capacity: 64)
        AlertJSON.write(alert: Self.alert.protobufC(in: arena), to: &json)
        let decoded = try JSONDecoder().decode(AlertJSON.self, from: Data(json.bytes))
        #expect(decoded == AlertJSON(alert: Self.alert))
        #expect(decoded.currency == "USD")
        #expect(decoded.sourceTopic == "sales/\"in\"")
    }

    @Test("a score record reads back without the source fields")
    func scoreRecordReadsBack() throws {
        let arena = MessageArena()
        var json = JSONBuffer(capacity: 64)
        AlertJSON.write(
            breakdown: Self.alert.breakdown.protobufC(in: arena), of: Self.alert.transaction.protobufC(in: arena), to: &json)
        let decoded = try JSONDecoder().decode(AlertJSON.self, from: Data(json.bytes))
        var expected = AlertJSON(alert: Self.alert)
        expected.sourceTopic = nil
        expected.sourcePartition = nil
        expected.sourceOffset = nil
        expected.scoredTimeMs = nil
        #expect(decoded == expected)
        let text = String(decoding: json.bytes, as: UTF8.self)
        #expect(!text.contains("source_") && !text.contains("scored_time_ms"), "\(text)")
    }

    @Test("keys come in JSONEncoder's sorted order, so a reader comparing text sees no change")
    func keysSorted() throws {
        let arena = MessageArena()
        var json = JSONBuffer(capacity: 64)
        AlertJSON.write(alert: Self.alert.protobufC(in: arena), to: &json)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let keys = { (data: Data) throws -> [String] in
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return Array(object.keys)
        }
        let written = String(decoding: json.bytes, as: UTF8.self)
        let ours = try keys(Data(json.bytes)).sorted { written.range(of: "\"\($0)\"")!.lowerBound < written.range(of: "\"\($1)\"")!.lowerBound }
        #expect(ours == ours.sorted())
        #expect(Set(ours) == Set(try keys(try encoder.encode(AlertJSON(alert: Self.alert)))))
    }
}
