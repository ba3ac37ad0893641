@testable import ScoringModel
import ScoringTestSupport
import Testing

/// Journal records and snapshot entries are written as their in-memory bytes: a byte of padding
/// would put whatever memory held there into the state files (another run's, another card's),
/// and make two equal states write different files. Each such type covers its whole size.
@Suite("Raw-written state records have no padding")
struct RecordPaddingTests {
    static let transaction = TransactionFeatures(
        cardID: "card", merchantID: "merchant", amountMinor: 1_234, eventTimeMs: 1_700_000_000_000)

    @Test("table entries: cards, devices, merchants, the outcome log, the label ledger")
    func tableEntries() {
        // Written as arrays: a stride apart.
        #expect(layoutPadding(of: CardState(key: 1, firstSeen: 2), upToStride: true) == [])
        #expect(layoutPadding(of: DeviceState(key: 1, firstSeen: 2), upToStride: true) == [])
        #expect(layoutPadding(of: MerchantState(key: 1, firstSeen: 2), upToStride: true) == [])
        #expect(layoutPadding(of: OutcomeEntry(key: 1, firstSeen: 2), upToStride: true) == [])
        #expect(layoutPadding(of: LabelLedgerEntry(key: 1, firstSeen: 2), upToStride: true) == [])
    }

    @Test("journal records: a transaction's and a label's features")
    func journalRecords() {
        #expect(layoutPadding(of: Self.transaction) == [])
        let label = FeedbackFeatures(
            card: Self.transaction.card, merchant: Self.transaction.merchant, outcome: .fraud, eventTimeMs: 1, reportedTimeMs: 2,
            amountMinor: 3)
        #expect(layoutPadding(of: label) == [])
        // Held labels are written as an array too.
        #expect(layoutPadding(of: label, upToStride: true) == [])
    }

    @Test("what a snapshot writes of the models and learning: assessments, histograms, vectors, reservoir samples")
    func learningRecords() {
        #expect(layoutPadding(of: RiskAssessment()) == [])
        #expect(layoutPadding(of: ScoreHistogram(), upToStride: true) == [])
        #expect(layoutPadding(of: FeatureVector()) == [])
        #expect(layoutPadding(of: LogisticCombiner()) == [])
        #expect(layoutPadding(of: RiskModel.builtIn.thresholds) == [])
        #expect(layoutPadding(of: OutcomeReservoir.Sample(features: FeatureVector(), seconds: 1), upToStride: true) == [])
    }

    @Test("the probe finds padding where there is some")
    func probeFindsPadding() {
        struct Gappy { var small: UInt8 = 0; var large: UInt64 = 0 }
        struct Nested { var inner = Gappy(); var flag: Bool = false }
        #expect(layoutPadding(of: Gappy()) == ["Gappy: 7 of 16 bytes not covered by a stored property"])
        #expect(layoutPadding(of: Nested()).count == 1)
        #expect(layoutPadding(of: InlineArray<2, Gappy>(repeating: Gappy())) == ["InlineArray<2, Gappy>[0]: 7 of 16 bytes not covered by a stored property"])
        struct Tail { var wide: UInt32 = 0; var narrow: UInt8 = 0 }
        #expect(layoutPadding(of: InlineArray<2, Tail>(repeating: Tail())) == ["InlineArray<2, Tail>: 3 bytes between elements"])
        #expect(layoutPadding(of: Tail()) == [])
        #expect(layoutPadding(of: Tail(), upToStride: true) == ["Tail: 3 of 8 bytes not covered by a stored property"])
        struct Wrapped { var pair: (UInt8, UInt64) = (0, 0); var maybe: UInt64? = nil }
        #expect(layoutPadding(of: Wrapped()) == [
            "Wrapped.pair: 7 of 16 bytes not covered by a stored property",
            "Wrapped.maybe: an optional, whose nil leaves its payload's bytes unwritten",
        ])
    }
}
