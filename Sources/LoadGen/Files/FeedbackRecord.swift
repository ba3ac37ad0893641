import StreamifyWire

/// A feedback message as one JSON object.
struct FeedbackRecord: Codable, Sendable, Hashable {
    var transaction_id: String
    var card_id: String
    var merchant_id: String
    /// "fraud" or "legitimate".
    var label: String
    var event_time_ms: Int64
    var reported_time_ms: Int64
    var amount_minor: Int64

    init(_ f: Feedback) {
        transaction_id = f.transactionID
        card_id = f.cardID
        merchant_id = f.merchantID
        label = f.label == .fraud ? "fraud" : f.label == .legitimate ? "legitimate" : "unspecified"
        event_time_ms = f.eventTimeMs
        reported_time_ms = f.reportedTimeMs
        amount_minor = f.amountMinor
    }

    var feedback: Feedback {
        Feedback(
            transactionID: transaction_id, cardID: card_id, merchantID: merchant_id,
            label: label == "fraud" ? .fraud : label == "legitimate" ? .legitimate : .unspecified,
            eventTimeMs: event_time_ms, reportedTimeMs: reported_time_ms, amountMinor: amount_minor)
    }
}
