import ScoringModel

/// What one connection's `FrameProcessor` did since its counters were last collected.
///
/// Plain integers owned by one event loop: the hot path bumps them without atomics or locks,
/// and the handler hands them to `DaemonMetrics` once per read burst.
public struct ProcessorCounters: Sendable {
    public var requests = 0
    public var transactions = 0
    public var feedback = 0
    public var pings = 0
    /// Feedback by what became of it, indexed by `LabelDisposition.rawValue`.
    public var labels = InlineArray<4, Int>(repeating: 0)
    /// Indexed by `ErrorCode.rawValue`.
    public var errors = InlineArray<8, Int>(repeating: 0)
    /// Indexed by `RiskLevel.rawValue - 1`.
    public var levels = InlineArray<4, Int>(repeating: 0)
    public var latency = LatencyBuckets()

    public init() {}

    public var isEmpty: Bool { requests == 0 }
}

/// Counts of server-side latencies in fixed microsecond buckets (Prometheus-style, cumulative on export).
public struct LatencyBuckets: Sendable {
    /// Upper bounds in microseconds; a last, implicit bucket catches everything above.
    public static let boundsMicroseconds: [UInt32] = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000]

    public var counts = InlineArray<15, Int>(repeating: 0)
    public var sumMicroseconds = 0

    public init() {}

    @inline(__always)
    public mutating func record(microseconds: UInt32) {
        var index = 0
        while index < 14 && microseconds > Self.boundsMicroseconds[index] { index += 1 }
        counts[index] += 1
        sumMicroseconds += Int(microseconds)
    }

    public mutating func add(_ other: LatencyBuckets) {
        for index in 0..<15 { counts[index] += other.counts[index] }
        sumMicroseconds += other.sumMicroseconds
    }

    public var total: Int {
        var total = 0
        for index in 0..<15 { total += counts[index] }
        return total
    }
}
