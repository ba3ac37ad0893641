/// The percentiles a report shows, in microseconds.
struct LatencySummary: Sendable, Codable, Hashable {
    var count: UInt64
    var p50: UInt64
    var p90: UInt64
    var p99: UInt64
    var p999: UInt64
    var max: UInt64
    var mean: Double
}
