/// Counts of server-side latencies in fixed microsecond buckets (Prometheus-style, cumulative on export).
///
/// The bucket count is derived from `boundsMicroseconds` (one bucket per bound, then overflow);
/// the counts live inline, in storage checked once to be large enough.
public struct LatencyBuckets: Sendable {
    /// Upper bounds in microseconds; a last, implicit bucket catches everything above.
    public static let boundsMicroseconds: [UInt32] = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000]
    /// Buckets in use: one per bound, then the overflow bucket.
    public static let bucketCount = boundsMicroseconds.count + 1

    private typealias Storage = InlineArray<16, Int>
    private var storage = Storage(repeating: 0)
    /// Sum of every latency counted, in microseconds.
    public private(set) var sumMicroseconds = 0

    /// All counts zero; stops the process if the inline storage cannot hold `bucketCount` buckets.
    public init() {
        precondition(Self.bucketCount <= Storage.count, "LatencyBuckets holds \(Storage.count) buckets, \(Self.bucketCount) are needed")
    }

    /// The count in bucket `index` (`0..<bucketCount`).
    public subscript(_ index: Int) -> Int { storage[index] }

    /// Counts one latency.
    @inline(__always)
    public mutating func record(microseconds: UInt32) {
        var index = 0
        let bounds = Self.boundsMicroseconds
        while index < bounds.count && microseconds > bounds[index] { index += 1 }
        storage[index] += 1
        sumMicroseconds += Int(microseconds)
    }

    /// Adds another set of counts to this one.
    public mutating func add(_ other: LatencyBuckets) {
        for index in 0..<Self.bucketCount { storage[index] += other.storage[index] }
        sumMicroseconds += other.sumMicroseconds
    }

    /// The counts added since `earlier` (an older snapshot of these buckets).
    public func since(_ earlier: LatencyBuckets) -> LatencyBuckets {
        var difference = self
        for index in 0..<Self.bucketCount { difference.storage[index] -= earlier.storage[index] }
        difference.sumMicroseconds -= earlier.sumMicroseconds
        return difference
    }

    /// The upper bound, in microseconds, of the bucket holding quantile `q` (0...1) of the
    /// latencies counted; nil when none are, or when it is the overflow bucket.
    public func upperBoundMicroseconds(atQuantile q: Double) -> UInt32? {
        let count = total
        guard count > 0 else { return nil }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for index in 0..<Self.bucketCount {
            seen += storage[index]
            if seen >= rank { return index < Self.boundsMicroseconds.count ? Self.boundsMicroseconds[index] : nil }
        }
        return nil
    }

    /// Sets every count to zero.
    public mutating func reset() {
        storage = Storage(repeating: 0)
        sumMicroseconds = 0
    }

    /// Latencies counted.
    public var total: Int {
        var sum = 0
        for index in 0..<Self.bucketCount { sum += storage[index] }
        return sum
    }
}
