/// Counts of server-side latencies in fixed microsecond buckets (Prometheus-style, cumulative on export).
///
/// The bucket count is derived from `boundsMicroseconds`: adding a bound needs no other change.
public struct LatencyBuckets: Sendable {
    /// Upper bounds in microseconds; a last, implicit bucket catches everything above.
    public static let boundsMicroseconds: [UInt32] = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000]

    /// Counts per bucket: one per bound, then the overflow bucket.
    public private(set) var counts = [Int](repeating: 0, count: LatencyBuckets.boundsMicroseconds.count + 1)
    public private(set) var sumMicroseconds = 0

    public init() {}

    /// Counts one latency.
    @inline(__always)
    public mutating func record(microseconds: UInt32) {
        let bounds = Self.boundsMicroseconds
        var index = 0
        while index < bounds.count && microseconds > bounds[index] { index += 1 }
        counts[index] += 1
        sumMicroseconds += Int(microseconds)
    }

    /// Adds another set of counts to this one.
    public mutating func add(_ other: LatencyBuckets) {
        for index in counts.indices { counts[index] += other.counts[index] }
        sumMicroseconds += other.sumMicroseconds
    }

    /// Sets every count to zero without reallocating.
    public mutating func reset() {
        for index in counts.indices { counts[index] = 0 }
        sumMicroseconds = 0
    }

    /// Latencies counted.
    public var total: Int { counts.reduce(0, +) }
}
