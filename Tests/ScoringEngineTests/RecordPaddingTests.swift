@testable import ScoringEngine
import ScoringModel
import ScoringTestSupport
import Testing

/// The engine's journal records and archive records are written as their in-memory bytes, as
/// the model's are (`ScoringModelTests.RecordPaddingTests`): none may hold padding.
@Suite("Raw-written engine records have no padding")
struct EngineRecordPaddingTests {
    static let position = InputPosition(InputPartition(name: "sales", partition: 3), offset: 42)

    @Test("an input position, and the journal records that carry one")
    func journalRecords() {
        #expect(layoutPadding(of: Self.position) == [])
        let transaction = TransactionFeatures(cardID: "card", merchantID: "merchant", amountMinor: 1, eventTimeMs: 2)
        #expect(layoutPadding(of: Durability.Sourced(features: transaction, position: Self.position)) == [])
        let label = FeedbackFeatures(
            card: transaction.card, merchant: transaction.merchant, outcome: .fraud, eventTimeMs: 1, reportedTimeMs: 2, amountMinor: 3)
        #expect(layoutPadding(of: Durability.Sourced(features: label, position: Self.position)) == [])
    }

    @Test("the archive's fixed-size parts")
    func archiveRecords() {
        let fixed = DecisionRecord.Fixed(
            amountMinor: 1, eventTimeMs: 2, latitude: 3, longitude: 4, score: 5, channel: 6, level: 7, hasLocation: true)
        #expect(layoutPadding(of: fixed) == [])
        #expect(layoutPadding(of: DecisionRecord.FactorFixed(score: 1, weight: 2, contribution: 3)) == [])
        #expect(layoutPadding(of: DecisionRecord.SignalArguments(a: 1, b: 2, c: 3)) == [])
        let label = DecisionRecord.LabelFixed(amountMinor: 1, eventTimeMs: 2, reportedTimeMs: 3, label: 4, disposition: 5)
        #expect(layoutPadding(of: label) == [])
    }

    @Test("a position's spare bytes are not part of its value")
    func spareBytesIgnored() {
        var written = Self.position
        withUnsafeMutableBytes(of: &written) { bytes in
            // As a record an earlier build wrote may hold there.
            for index in MemoryLayout<InputPartition>.size..<MemoryLayout<InputPosition>.offset(of: \.offset)! { bytes[index] = 0xA5 }
        }
        #expect(written == Self.position)
        #expect(written.hashValue == Self.position.hashValue)
    }
}
