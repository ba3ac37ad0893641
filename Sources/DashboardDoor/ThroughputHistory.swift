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
    private var previousInstant: ContinuousClock.Instant

    init(capacity: Int, totals: ScoringTotals, at instant: ContinuousClock.Instant) {
        self.capacity = max(capacity, 1)
        previous = totals
        previousInstant = instant
    }

    /// Adds the point for the time since the last one, stamped `now` (wall clock, for the
    /// charts' labels). The rate is over the monotonic time since the last point (`instant`): a
    /// wall clock stepped back by NTP would have divided a second's transactions by a
    /// millisecond.
    mutating func advance(to totals: ScoringTotals, atMs now: Int64, at instant: ContinuousClock.Instant) {
        let seconds = max(Self.seconds(instant - previousInstant), Self.shortestInterval)
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
        previousInstant = instant
    }

    /// The shortest interval a rate is taken over (two ticks that came at once).
    static let shortestInterval = 0.001

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Mean throughput over the last `seconds` points.
    func meanThroughput(overLast seconds: Int) -> Double {
        let recent = points.suffix(seconds)
        guard !recent.isEmpty else { return 0 }
        return recent.map(\.transactionsPerSecond).reduce(0, +) / Double(recent.count)
    }

    /// Forgets every point; the next starts from `totals`.
    mutating func reset(totals: ScoringTotals, at instant: ContinuousClock.Instant) {
        points = []
        previous = totals
        previousInstant = instant
    }
}
