/// Counts and sums over a sliding event-time window, in six buckets.
///
/// A window of six buckets of `width` seconds covers between five and six bucket widths back
/// from the newest event: the 1-minute window counts in 10-second steps, the 1-hour window in
/// 10-minute steps, the 24-hour window in 4-hour steps. Events older than the window are
/// ignored; events that arrive out of order but within it land in their own bucket.
public struct SlidingWindow: Sendable, BitwiseCopyable {
    /// Buckets per window.
    public static let bucketCount = 6

    var counts: InlineArray<6, UInt16>
    var amounts: InlineArray<6, Float>
    /// Bucket number (`seconds / width`) of the newest bucket, or 0 before the first event.
    var newestBucket: UInt32

    /// An empty window.
    public init() {
        counts = .init(repeating: 0)
        amounts = .init(repeating: 0)
        newestBucket = 0
    }

    /// Adds one event of `amount` (major units) at event time `seconds`.
    public mutating func add(at seconds: UInt32, width: UInt32, amount: Float) {
        let bucket = seconds / width
        if bucket > newestBucket {
            let gap = bucket - newestBucket
            if gap >= UInt32(Self.bucketCount) {
                counts = .init(repeating: 0)
                amounts = .init(repeating: 0)
            } else {
                for step in 1...gap {
                    let slot = Int((newestBucket + step) % UInt32(Self.bucketCount))
                    counts[slot] = 0
                    amounts[slot] = 0
                }
            }
            newestBucket = bucket
        } else if newestBucket - bucket >= UInt32(Self.bucketCount) {
            return
        }
        let slot = Int(bucket % UInt32(Self.bucketCount))
        counts[slot] = counts[slot] == .max ? .max : counts[slot] + 1
        amounts[slot] += amount
    }

    /// Events and their total amount in the window ending at `seconds`.
    public func totals(at seconds: UInt32, width: UInt32) -> (count: Int, amount: Double) {
        let current = seconds / width
        var count = 0
        var amount: Double = 0
        for back in 0..<UInt32(Self.bucketCount) {
            guard current >= back else { break }
            let bucket = current - back
            guard bucket <= newestBucket, newestBucket - bucket < UInt32(Self.bucketCount) else { continue }
            let slot = Int(bucket % UInt32(Self.bucketCount))
            count += Int(counts[slot])
            amount += Double(amounts[slot])
        }
        return (count, amount)
    }
}

/// The three window sizes the card state keeps.
public enum WindowWidth {
    /// 1 minute in 10 s buckets.
    public static let minute: UInt32 = 10
    /// 1 hour in 10 min buckets.
    public static let hour: UInt32 = 600
    /// 24 hours in 4 h buckets.
    public static let day: UInt32 = 14_400
}
