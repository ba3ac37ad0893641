import ScoringEngine
import ScoringModel

/// The dashboard's recent history, a point per second: throughput, server latency p50/p99 and
/// the alert-level mix, each over that second. Bounded to `capacity` points.
struct ThroughputHistory: Sendable {
    /// One second.
    struct Point: Sendable, Encodable {
        /// When the second ended (Unix epoch ms, wall clock).
        var timeMs: Int64
        /// Transactions scored per second.
        var transactionsPerSecond: Double
        /// Server time per transaction, upper bounds of the histogram buckets holding p50 and p99;
        /// nil when nothing was scored (or above the last bucket).
        var latencyP50Us: UInt32?
        var latencyP99Us: UInt32?
        /// Decisions by level name.
        var levels: [String: Int]
    }

    let capacity: Int
    private(set) var points: [Point] = []
    private var previous: ScoringTotals
    private var previousMs: Int64

    init(capacity: Int, totals: ScoringTotals, atMs now: Int64) {
        self.capacity = max(capacity, 1)
        previous = totals
        previousMs = now
    }

    /// Adds the point for the time since the last one.
    mutating func advance(to totals: ScoringTotals, atMs now: Int64) {
        let seconds = Double(max(now - previousMs, 1)) / 1000
        let difference = totals.since(previous)
        var levels: [String: Int] = [:]
        for level in RiskLevel.allCases { levels[level.name] = difference.levels[level] }
        points.append(
            Point(
                timeMs: now, transactionsPerSecond: Double(difference.transactions) / seconds,
                latencyP50Us: difference.latency.upperBoundMicroseconds(atQuantile: 0.5),
                latencyP99Us: difference.latency.upperBoundMicroseconds(atQuantile: 0.99), levels: levels))
        if points.count > capacity { points.removeFirst(points.count - capacity) }
        previous = totals
        previousMs = now
    }

    /// Mean throughput over the last `seconds` points.
    func meanThroughput(overLast seconds: Int) -> Double {
        let recent = points.suffix(seconds)
        guard !recent.isEmpty else { return 0 }
        return recent.map(\.transactionsPerSecond).reduce(0, +) / Double(recent.count)
    }

    /// Forgets every point; the next starts from `totals`.
    mutating func reset(totals: ScoringTotals, atMs now: Int64) {
        points = []
        previous = totals
        previousMs = now
    }
}
