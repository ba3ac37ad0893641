import ScoringClient
import StreamifyWire

/// How to play a workload against the daemon.
struct LoadConfiguration: Sendable {
    var target: ScoringTarget
    /// TLS for a TCP target; nil: clear text.
    var tls: ScoringClientTLS?
    var connections = 4
    /// Requests in flight per connection.
    var pipeline = 64
    /// Transactions per request (1 sends `score`, more send `score_batch`).
    var batchSize = 1
    /// Each request's `deadline_ms`: its intended send time plus this; nil sends none.
    var deadlineMilliseconds: Int? = nil
    /// Which reasons each scoring request asks for.
    var explain = Explain.all
    /// Open loop at this many transactions per second; `nil` for closed loop (as fast as the
    /// pipeline allows).
    var rate: Double? = 1_000
    /// Measured seconds after the warm-up; `nil` runs until `count`, the end of the workload, or a stop.
    var durationSeconds: Double? = 10
    /// Transactions to send in all (warm-up included); `nil` for no limit.
    var count: Int? = nil
    /// Seconds at the start whose answers are not measured.
    var warmupSeconds: Double = 0
    /// How long to wait for answers after sending stops before giving up on them.
    var drainTimeoutSeconds: Double = 5
    /// Workloads up to this many transactions are generated completely before the clock starts.
    var pregenerateLimit = Self.defaultPregenerateLimit
    /// `pregenerateLimit` unless `--pregenerate` says otherwise.
    static let defaultPregenerateLimit = 1_000_000
    /// Beyond that, the producer stays this many seconds of traffic ahead of the senders.
    var aheadSeconds: Double = 5

    /// Transactions the run will need, when that is known in advance.
    var transactionLimit: Int? {
        if let count { return count }
        if let rate, let durationSeconds { return Int((rate * (warmupSeconds + durationSeconds)).rounded(.up)) }
        return nil
    }
}
