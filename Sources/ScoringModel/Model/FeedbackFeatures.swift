/// A confirmed outcome, reduced to what the state tables need.
public struct FeedbackFeatures: Sendable, BitwiseCopyable {
    public enum Outcome: UInt8, Sendable, BitwiseCopyable {
        case fraud
        case legitimate
    }

    /// Fingerprint of the labelled transaction's id (`.none` when unknown: no duplicate check, no learning).
    public var transaction: EntityKey
    public var card: EntityKey
    /// `.none` when the report names no merchant.
    public var merchant: EntityKey
    public var outcome: Outcome
    public var eventTimeMs: Int64
    public var reportedTimeMs: Int64
    public var amountMinor: Int64

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
