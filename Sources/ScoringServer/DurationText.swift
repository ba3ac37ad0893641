/// Parses durations such as `500ms`, `10s`, `5m`, `36h`, `90d` (a bare number is seconds).
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Double(text.dropLast(unit.suffix.count)), value.isFinite, value >= 0 else { return nil }
            return value * unit.seconds
        }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }
}
