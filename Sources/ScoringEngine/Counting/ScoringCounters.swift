import ScoringModel
import StreamifyWire

/// What one door's worker (a connection, the Kafka loop) did since its counters were last collected.
///
/// Plain integers owned by one thread: the hot path bumps them without atomics or locks, and
/// the owner hands them to `ScoringMetrics.collect(_:)` once per read burst or batch. Per-case
/// counts are sized from the enums, so a new error code or level is counted with no change here.
public struct ScoringCounters: Sendable {
    /// Requests of any kind (socket frames, Kafka records).
    public var requests = 0
    /// Transactions scored.
    public var transactions = 0
    /// Feedback reports that passed validation.
    public var feedback = 0
    /// Sum of the scored transactions' `amount_minor`.
    public var amountMinor = 0
    /// Pings answered.
    public var pings = 0
    /// Transactions refused for an event time too far ahead of the clocks (also counted in `errors`).
    public var clockSkewRefusals = 0
    /// Scoring requests answered OVERLOADED because their event loop ran behind (also in `errors`).
    public var shedForQueueDelay = 0
    /// Scoring requests answered OVERLOADED because too many answers were unread (also in `errors`).
    public var shedForBufferedOutput = 0
    /// Requests answered DEADLINE_EXCEEDED, undecoded, because their `deadline_ms` had passed (also in `errors`).
    public var shedForDeadline = 0
    /// Labels answered OVERLOADED for their connection's rate (also counted in `errors`).
    public var rateLimitedLabels = 0
    /// Feedback by what became of it.
    public var labels = CaseCounts<LabelDisposition>()
    /// Refusals by error code.
    public var errors = CaseCounts<ErrorCode>()
    /// Scored transactions by alert level.
    public var levels = CaseCounts<RiskLevel>()
    /// Server time per scored transaction.
    public var latency = LatencyBuckets()

    /// All counts zero.
    public init() {}

    /// True when nothing was counted since the last reset.
    public var isEmpty: Bool { requests == 0 && transactions == 0 && feedback == 0 && errors.total == 0 }

    /// Zeroes every count in place (no allocation).
    public mutating func reset() {
        requests = 0
        transactions = 0
        feedback = 0
        amountMinor = 0
        pings = 0
        clockSkewRefusals = 0
        shedForQueueDelay = 0
        shedForBufferedOutput = 0
        shedForDeadline = 0
        rateLimitedLabels = 0
        labels.reset()
        errors.reset()
        levels.reset()
        latency.reset()
    }
}
