import Foundation

/// Parses durations like `500ms`, `30s`, `5m`, `2h`, `7d`, or a bare number of seconds.
enum DurationParser {
    struct InvalidDuration: Error, CustomStringConvertible {
        var text: String
        var description: String { "invalid duration '\(text)': use a number with ms, s, m, h or d (e.g. 30s, 7d)" }
    }

    /// The duration in seconds.
    static func seconds(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            // "5ms" also ends in "s": only a plain number may come before the suffix.
            if let value = Double(trimmed.dropLast(unit.suffix.count)), value >= 0, value.isFinite {
                return value * unit.seconds
            }
        }
        if let value = Double(trimmed), value >= 0, value.isFinite { return value }
        throw InvalidDuration(text: text)
    }
}
