/// Ground truth for a transaction.
public enum Label: Int32, Sendable, Hashable, CaseIterable {
    case unspecified = 0
    case fraud = 1
    case legitimate = 2
}

/// A confirmed outcome for an earlier transaction: a chargeback or an investigation result.
public struct Feedback: Sendable, Hashable {
    public var transactionID: String
    public var cardID: String
    public var merchantID: String
    public var label: Label
    /// Event time of the labelled transaction.
    public var eventTimeMs: Int64
    /// When the outcome became known.
    public var reportedTimeMs: Int64
    public var amountMinor: Int64

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
