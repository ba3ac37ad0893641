import ScoringModel

/// Every door's counts since the process started, readable (the swift-metrics counters are
/// write-only): what a dashboard shows as totals and differences over time.
///
/// Filled by `ScoringMetrics.collect(_:)` once per read burst or batch, never per transaction.
public struct ScoringTotals: Sendable {
    /// Transactions scored.
    public var transactions = 0
    /// Feedback reports that passed validation.
    public var feedback = 0
    /// Sum of the scored transactions' `amount_minor`, whatever their currency. It wraps around
    /// past `Int.max` (a client may send amounts up to the intake's limit, and enough of them add
    /// up), so read differences (`since(_:)`), which stay exact, not the absolute value.
    public var amountMinor = 0
    /// Requests refused, any code.
    public var refusals = 0
    /// Scored transactions by alert level.
    public var levels = CaseCounts<RiskLevel>()
    /// Server time per scored transaction.
    public var latency = LatencyBuckets()

    /// All counts zero.
    public init() {}

    /// Adds a worker's counters.
    mutating func add(_ counters: ScoringCounters) {
        transactions += counters.transactions
        feedback += counters.feedback
        amountMinor &+= counters.amountMinor
        refusals += counters.errors.total
        for level in RiskLevel.allCases { levels[level] += counters.levels[level] }
        latency.add(counters.latency)
    }

    /// What was counted since `earlier`.
    public func since(_ earlier: ScoringTotals) -> ScoringTotals {
        var difference = ScoringTotals()
        difference.transactions = transactions - earlier.transactions
        difference.feedback = feedback - earlier.feedback
        difference.amountMinor = amountMinor &- earlier.amountMinor
        difference.refusals = refusals - earlier.refusals
        for level in RiskLevel.allCases { difference.levels[level] = levels[level] - earlier.levels[level] }
        difference.latency = latency.since(earlier.latency)
        return difference
    }
}
