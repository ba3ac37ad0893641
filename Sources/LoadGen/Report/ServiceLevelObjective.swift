/// Targets a run must meet (`--expect-throughput`, `--expect-p99-us`); missed ones fail the run.
struct ServiceLevelObjective: Sendable, Codable, Hashable {
    /// Minimum transactions scored per second.
    var throughput: Double?
    /// Maximum p99 latency in microseconds.
    var p99Microseconds: UInt64?

    var isEmpty: Bool { throughput == nil && p99Microseconds == nil }

    /// What was missed, in words; empty when every target was met.
    func violations(throughput achieved: Double, p99Microseconds measured: UInt64) -> [String] {
        var violations: [String] = []
        if let throughput, achieved < throughput {
            violations.append(
                "throughput \(ReportFormatting.grouped(Int(achieved)))/s is below the expected \(ReportFormatting.grouped(Int(throughput)))/s")
        }
        if let p99Microseconds, measured > p99Microseconds {
            violations.append("p99 latency \(measured) µs is above the expected \(p99Microseconds) µs")
        }
        return violations
    }
}
