/// Durations as people type them on a command line or in a schedule: `500ms`, `10s`, `5m`,
/// `36h`, `90d`, or a bare number of seconds. The one parser every tool and option uses.
public enum DurationText {
    /// Text that is not a duration.
    public struct InvalidDuration: Error, Sendable, CustomStringConvertible {
        /// The text as given.
        public var text: String
        public var description: String { "invalid duration '\(text)': use a number with ms, s, m, h or d (e.g. 30s, 7d)" }
    }

    /// The units, longest suffix first: `ms` must be tried before `s` and `m`.
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400),
    ]

    /// The duration in seconds, or `nil` when `text` is not a finite, non-negative duration.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = String(text.filter { !$0.isWhitespace }).lowercased()
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let value = Double(trimmed.dropLast(unit.suffix.count)), value.isFinite, value >= 0 else { return nil }
            return value * unit.seconds
        }
        guard let value = Double(trimmed), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// The duration in seconds; throws `InvalidDuration` naming the text otherwise.
    public static func parseSeconds(_ text: String) throws(InvalidDuration) -> Double {
        guard let seconds = seconds(text) else { throw InvalidDuration(text: text) }
        return seconds
    }
}
