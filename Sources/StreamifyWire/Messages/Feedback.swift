/// Ground truth for a transaction.
public enum Label: Int32, Sendable, Hashable, CaseIterable {
    /// No label set (the proto default); feedback with it is refused.
    case unspecified = 0
    /// Confirmed fraud.
    case fraud = 1
    /// Confirmed legitimate.
    case legitimate = 2
}

/// A confirmed outcome for an earlier transaction: a chargeback or an investigation result.
public struct Feedback: Sendable, Hashable {
    /// Id of the labelled transaction, as it was scored (required, at most 64 bytes).
    public var transactionID: String
    /// Card of the labelled transaction (required, at most 64 bytes).
    public var cardID: String
    /// Merchant of the labelled transaction; empty when unknown (at most 64 bytes).
    public var merchantID: String
    /// What the transaction turned out to be; `.unspecified` is refused.
    public var label: Label
    /// Event time of the labelled transaction.
    public var eventTimeMs: Int64
    /// When the outcome became known.
    public var reportedTimeMs: Int64
    /// The transaction's amount in minor units (cents), 0...10^13; 0 when unknown.
    public var amountMinor: Int64

    /// Creates a value with every field given.
    public init(
        transactionID: String,
        cardID: String,
        merchantID: String = "",
        label: Label,
        eventTimeMs: Int64,
        reportedTimeMs: Int64,
        amountMinor: Int64 = 0
    ) {
        self.transactionID = transactionID
        self.cardID = cardID
        self.merchantID = merchantID
        self.label = label
        self.eventTimeMs = eventTimeMs
        self.reportedTimeMs = reportedTimeMs
        self.amountMinor = amountMinor
    }
}
