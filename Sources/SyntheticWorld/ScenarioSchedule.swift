import Foundation
import StreamifyWire

/// Which fraud scenarios a world has, and from when: `standard`, or a list such as
/// `standard,bnpl_fraud@7d` (a new wave starting on day 7 of event time).
public struct ScenarioSchedule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One scenario and when it first happens.
    public struct Entry: Sendable, Hashable, Codable {
        /// The kind of fraud.
        public var scenario: FraudScenario
        /// Event time after the world's start before the scenario first happens.
        public var startsAfterMs: Int64 = 0
    }

    /// The scenarios and their starts; `active(afterMs:)` keeps this order.
    public var entries: [Entry]

    /// The six classic scenarios, from the start.
    public static let standard = ScenarioSchedule(entries: FraudScenario.standard.map { Entry(scenario: $0) })

    /// The scenarios that can start `elapsedMs` after the world's start, in schedule order.
    public func active(afterMs elapsedMs: Int64) -> [FraudScenario] {
        entries.filter { $0.startsAfterMs <= elapsedMs }.map(\.scenario)
    }

    public var description: String {
        entries.map { entry in
            entry.startsAfterMs == 0
                ? entry.scenario.rawValue
                : "\(entry.scenario.rawValue)@\(String(format: "%.1f", Double(entry.startsAfterMs) / 86_400_000))d"
        }.joined(separator: ",")
    }

    /// A name the parser does not know.
    public struct InvalidSchedule: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses comma-separated scenario names, each optionally `@DURATION` (its start);
    /// `standard` and `all` stand for those sets.
    public init(parsing text: String) throws(InvalidSchedule) {
        var entries: [Entry] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "@", maxSplits: 1).map(String.init)
            var startsAfterMs: Int64 = 0
            if parts.count == 2 {
                guard let seconds = try? DurationText.parseSeconds(parts[1]), seconds >= 0 else {
                    throw InvalidSchedule(description: "\"\(item)\": the start after @ must be a duration such as 7d")
                }
                startsAfterMs = Int64(seconds * 1000)
            }
            let scenarios: [FraudScenario]
            switch parts[0] {
            case "standard": scenarios = FraudScenario.standard
            case "all": scenarios = FraudScenario.cityWorld
            default:
                guard let scenario = FraudScenario(rawValue: parts[0]), FraudScenario.cityWorld.contains(scenario) else {
                    throw InvalidSchedule(
                        description: "unknown fraud scenario \"\(parts[0])\"; known: standard, all, "
                            + FraudScenario.cityWorld.map(\.rawValue).joined(separator: ", "))
                }
                scenarios = [scenario]
            }
            for scenario in scenarios where !entries.contains(where: { $0.scenario == scenario }) {
                entries.append(Entry(scenario: scenario, startsAfterMs: startsAfterMs))
            }
        }
        self.entries = entries
    }

    /// Creates a value with every field given.
    public init(entries: [Entry]) {
        self.entries = entries
    }
}
