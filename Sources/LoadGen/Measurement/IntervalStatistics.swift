/// One second of one connection, for the live progress line.
struct IntervalStatistics: Sendable {
    var latency = LatencyHistogram()
    var transactionsSent = 0
    var transactionsAnswered = 0
    var errors = 0
    var inFlight = 0

    mutating func merge(_ other: IntervalStatistics) {
        latency.merge(other.latency)
        transactionsSent += other.transactionsSent
        transactionsAnswered += other.transactionsAnswered
        errors += other.errors
        inFlight += other.inFlight
    }
}
