import Histogram

/// Latencies in microseconds, in an HdrHistogram (3 significant digits, 1 µs to 1 hour).
struct LatencyHistogram: Sendable {
    static let highestTrackableMicroseconds: UInt64 = 3_600_000_000

    private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: highestTrackableMicroseconds, numberOfSignificantValueDigits: .three)

    var count: UInt64 { histogram.totalCount }

    /// Records one latency; values beyond an hour count as an hour.
    mutating func record(microseconds: UInt64) {
        _ = histogram.record(Swift.min(Swift.max(microseconds, 1), Self.highestTrackableMicroseconds))
    }

    mutating func record(nanoseconds: UInt64) {
        record(microseconds: (nanoseconds + 500) / 1_000)
    }

    mutating func merge(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    mutating func reset() {
        histogram.reset()
    }

    /// The value at `percentile` (0...100); 0 when empty.
    func value(atPercentile percentile: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(percentile)
    }

    var max: UInt64 { count == 0 ? 0 : histogram.max }
    var mean: Double { count == 0 ? 0 : histogram.mean }

    /// The full percentile distribution in HdrHistogram's text format (`.hgrm`, values in
    /// milliseconds), for plotting and comparing runs.
    func percentileDistribution() -> String {
        var text = ""
        histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1_000)
        return text
    }

    var summary: LatencySummary {
        LatencySummary(
            count: count, p50: value(atPercentile: 50), p90: value(atPercentile: 90), p99: value(atPercentile: 99),
            p999: value(atPercentile: 99.9), max: max, mean: mean)
    }
}
