import SyntheticWorld
import StreamifyWire

/// How well the daemon's scores and alerts matched ground truth.
struct DetectionReport: Sendable, Codable, Hashable {
    /// Precision and recall when alerting at `level` or above.
    struct LevelQuality: Sendable, Codable, Hashable {
        var level: String
        var alerts: UInt64
        var fraudAlerts: UInt64
        /// `nil` when there were no alerts.
        var precision: Double?
        /// `nil` when there was no fraud.
        var recall: Double?
        var alertsPer1000: Double
    }

    /// Detection of one scenario.
    struct ScenarioQuality: Sendable, Codable, Hashable {
        var scenario: String
        var transactions: UInt64
        var meanScore: Double?
        /// Recall at medium, high and critical (alerting at that level or above).
        var recallAtMedium: Double?
        var recallAtHigh: Double?
        var recallAtCritical: Double?
    }

    var transactions: UInt64
    var fraud: UInt64
    var legitimate: UInt64
    var rocAUC: Double?
    var averagePrecision: Double?
    var levels: [LevelQuality]
    var scenarios: [ScenarioQuality]

    init(_ tally: DetectionTally) {
        transactions = tally.total
        fraud = tally.fraudCount
        legitimate = tally.legitimateCount
        rocAUC = tally.rocAUC
        averagePrecision = tally.averagePrecision

        func atOrAbove(_ level: Int, truthCodes: some Sequence<Int>) -> UInt64 {
            truthCodes.reduce(0) { sum, code in
                sum + (level..<DetectionTally.levels).reduce(0) { $0 + tally.count(truthCode: code, level: $1) }
            }
        }
        let fraudCodes = 1..<DetectionTally.truthRows
        levels = [AlertLevel.low, .medium, .high, .critical].map { level in
            let raw = Int(level.rawValue)
            let fraudAlerts = atOrAbove(raw, truthCodes: fraudCodes)
            let alerts = fraudAlerts + atOrAbove(raw, truthCodes: [0])
            return LevelQuality(
                level: "\(level)", alerts: alerts, fraudAlerts: fraudAlerts,
                precision: alerts > 0 ? Double(fraudAlerts) / Double(alerts) : nil,
                recall: tally.fraudCount > 0 ? Double(fraudAlerts) / Double(tally.fraudCount) : nil,
                alertsPer1000: tally.total > 0 ? Double(alerts) * 1000 / Double(tally.total) : 0)
        }
        // The standard scenarios always (a zero says it never happened); others only when seen.
        scenarios = FraudScenario.allCases.filter {
            FraudScenario.standard.contains($0) || tally.count(truthCode: Int($0.code)) > 0
        }.map { scenario in
            let code = Int(scenario.code)
            let count = tally.count(truthCode: code)
            func recall(_ level: AlertLevel) -> Double? {
                count > 0 ? Double(atOrAbove(Int(level.rawValue), truthCodes: [code])) / Double(count) : nil
            }
            return ScenarioQuality(
                scenario: scenario.rawValue, transactions: count,
                meanScore: count > 0 ? tally.scoreSumByTruth[code] / Double(count) : nil,
                recallAtMedium: recall(.medium), recallAtHigh: recall(.high), recallAtCritical: recall(.critical))
        }
    }
}
