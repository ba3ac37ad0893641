/// How fast loadgen itself generated and encoded the workload.
struct GenerationStatistics: Sendable, Codable, Hashable {
    var transactions: Int = 0
    var feedback: Int = 0
    var requests: Int = 0
    var encodedBytes: Int = 0
    /// Time spent generating and encoding (not waiting).
    var seconds: Double = 0
    /// Times a connection found nothing ready to send (the producer fell behind).
    var starvedPolls: Int = 0

    var transactionsPerSecond: Double { seconds > 0 ? Double(transactions) / seconds : 0 }
}
