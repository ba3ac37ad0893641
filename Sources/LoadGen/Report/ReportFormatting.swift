import Foundation

/// Number formatting shared by the progress line and the report table.
enum ReportFormatting {
    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// Microseconds as milliseconds with three decimals: `1234` as `1.234 ms`.
    static func milliseconds(_ microseconds: UInt64) -> String {
        String(format: "%.3f ms", Double(microseconds) / 1_000)
    }

    /// The header of a latency table: the columns `latencyRow` fills.
    static let latencyHeader = ["", "p50", "p90", "p99", "p99.9", "max", "count"]

    /// One row of a latency table: `label`, then `summary`'s percentiles, maximum and count.
    static func latencyRow(_ label: String, _ summary: LatencySummary) -> [String] {
        [label, milliseconds(summary.p50), milliseconds(summary.p90), milliseconds(summary.p99), milliseconds(summary.p999),
            milliseconds(summary.max), grouped(Int(summary.count))]
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.1f%%", value * 100)
    }

    static func decimal(_ value: Double?, digits: Int = 3) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.\(digits)f", value)
    }

    /// A report as pretty-printed JSON with sorted keys (stable for diffs and tools).
    static func json(_ report: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(report)
    }

    /// Left-aligns the first column and right-aligns the others.
    static func table(_ rows: [[String]], indent: String = "  ") -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            indent
                + row.enumerated().map { index, cell in
                    let padding = String(repeating: " ", count: widths[index] - cell.count)
                    return index == 0 ? cell + padding : padding + cell
                }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
