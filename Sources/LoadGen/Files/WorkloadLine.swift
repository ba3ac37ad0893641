/// One line of the JSON-lines workload format: a transaction with its label, or a feedback.
struct WorkloadLine: Codable, Sendable, Hashable {
    /// "transaction" or "feedback".
    var type: String
    var transaction: TransactionRecord?
    var label: LabelRecord?
    var feedback: FeedbackRecord?
}
