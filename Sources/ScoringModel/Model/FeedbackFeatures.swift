/// A confirmed outcome, reduced to what the state tables need.
public struct FeedbackFeatures: Sendable, BitwiseCopyable {
    /// What the label says.
    public enum Outcome: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// Confirmed fraud.
        case fraud
        /// Confirmed legitimate.
        case legitimate
    }

    /// Fingerprint of the labelled transaction's id (`.none` when unknown: no duplicate check, no learning).
    public var transaction: EntityKey
    /// Fingerprint of the card id; a `.none` card is refused.
    public var card: EntityKey
    /// `.none` when the report names no merchant.
    public var merchant: EntityKey
    /// What the transaction turned out to be.
    public var outcome: Outcome
    /// The bytes the alignment of `eventTimeMs` leaves after `outcome`: zeros, spelled out so that
    /// a journal record of these features writes zeros there rather than whatever the memory held
    /// (the layout is unchanged; `RecordPaddingTests` checks nothing is left uncovered).
    private var spareAfterOutcome = InlineArray<7, UInt8>(repeating: 0)
    /// Unix epoch milliseconds of the labelled transaction.
    public var eventTimeMs: Int64
    /// Unix epoch milliseconds when the outcome became known (not before `eventTimeMs`); the label waits for the event-time clock to reach it.
    public var reportedTimeMs: Int64
    /// The labelled transaction's amount in minor units; 0 when unknown.
    public var amountMinor: Int64

    /// Creates a value with every field given.
    public init(
        card: EntityKey,
        merchant: EntityKey,
        outcome: Outcome,
        eventTimeMs: Int64,
        reportedTimeMs: Int64,
        amountMinor: Int64,
        transaction: EntityKey = .none
    ) {
        self.transaction = transaction
        self.card = card
        self.merchant = merchant
        self.outcome = outcome
        self.eventTimeMs = eventTimeMs
        self.reportedTimeMs = reportedTimeMs
        self.amountMinor = amountMinor
    }
}
