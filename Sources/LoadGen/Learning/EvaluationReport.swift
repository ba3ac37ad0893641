import SyntheticWorld
import ScoringModel

/// What `loadgen evaluate` measured, per model: JSON (`--report`) and a table.
struct EvaluationReport: Sendable, Codable {
    /// Alerts at or above one level.
    struct AlertQuality: Sendable, Codable {
        var level: String
        var alerts: Int
        var precision: Double?
        var recall: Double?

        init(level: RiskLevel, levels: [RiskLevel], fraud: [Bool]) {
            var alerts = 0
            var caught = 0
            var total = 0
            for (index, assigned) in levels.enumerated() {
                if fraud[index] { total += 1 }
                guard assigned >= level else { continue }
                alerts += 1
                if fraud[index] { caught += 1 }
            }
            self.level = level.name
            self.alerts = alerts
            self.precision = alerts > 0 ? Double(caught) / Double(alerts) : nil
            self.recall = total > 0 ? Double(caught) / Double(total) : nil
        }
    }

    /// Recall at medium or above of one scenario, before and after its first label arrived.
    struct ScenarioRecall: Sendable, Codable {
        var scenario: String
        var transactions: Int
        var recall: Double?
        var transactionsBeforeFirstLabel: Int
        var recallBeforeFirstLabel: Double?
        var recallAfterFirstLabel: Double?

        init(scenario: FraudScenario, truths: [UInt8], levels: [RiskLevel], afterFirstLabel: [Bool]) {
            var counts = (before: 0, after: 0)
            var caught = (before: 0, after: 0)
            for index in truths.indices where truths[index] == scenario.code {
                let alerted = levels[index] >= .medium
                if afterFirstLabel[index] {
                    counts.after += 1
                    if alerted { caught.after += 1 }
                } else {
                    counts.before += 1
                    if alerted { caught.before += 1 }
                }
            }
            func share(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) / Double(whole) : nil }
            self.scenario = scenario.rawValue
            self.transactions = counts.before + counts.after
            self.recall = share(caught.before + caught.after, counts.before + counts.after)
            self.transactionsBeforeFirstLabel = counts.before
            self.recallBeforeFirstLabel = share(caught.before, counts.before)
            self.recallAfterFirstLabel = share(caught.after, counts.after)
        }
    }

    /// One model's results.
    struct ContenderResult: Sendable, Codable {
        var name: String
        var startVersion: String
        /// After online learning (the same as `startVersion` when frozen).
        var endVersion: String
        var learnerUpdates: Int
        var rocAUC: Double?
        var averagePrecision: Double?
        /// Mean over days of the share of fraudulent cards among the day's top `cardsPerDay`.
        var cardPrecisionAtK: Double?
        var dailyCardPrecision: [Double]
        var alerts: [AlertQuality]
        var scenarios: [ScenarioRecall]
    }

    var source: String
    var transactions: Int
    var fraudTransactions: Int
    var labels: Int
    var outcomes: OutcomeSettings
    var cardsPerDay: Int
    var contenders: [ContenderResult]

    /// The report as a text table.
    var table: String {
        typealias F = ReportFormatting
        var text = """
            \(source): \(F.grouped(transactions)) transactions (\(F.grouped(fraudTransactions)) fraud), \
            \(F.grouped(labels)) labels fed back

            """
        var rows = [["model", "ROC AUC", "avg precision", "card prec@\(cardsPerDay)/day", "≥medium prec", "recall", "≥high prec", "recall", "final version"]]
        for contender in contenders {
            let medium = contender.alerts.first { $0.level == "medium" }
            let high = contender.alerts.first { $0.level == "high" }
            rows.append([
                contender.name, F.decimal(contender.rocAUC, digits: 4), F.decimal(contender.averagePrecision, digits: 4),
                F.decimal(contender.cardPrecisionAtK, digits: 4), F.percent(medium?.precision), F.percent(medium?.recall),
                F.percent(high?.precision), F.percent(high?.recall), contender.endVersion,
            ])
        }
        text += F.table(rows) + "\n\nrecall at ≥medium by scenario (before → after its first label arrived):\n"
        var scenarioRows = [["scenario", "transactions"] + contenders.map(\.name)]
        for (index, scenario) in (contenders.first?.scenarios ?? []).enumerated() {
            scenarioRows.append(
                [scenario.scenario, F.grouped(scenario.transactions)]
                    + contenders.map { contender in
                        let recall = contender.scenarios[index]
                        return "\(F.percent(recall.recallBeforeFirstLabel)) → \(F.percent(recall.recallAfterFirstLabel))"
                    })
        }
        return text + F.table(scenarioRows)
    }
}

extension EvaluationReport {
    /// Where a contender other than the baseline (`contenders[baseline]`) fails to beat it on
    /// ROC AUC, average precision or card precision; empty when every one beats it on all three.
    func shortfalls(against baseline: Int) -> [String] {
        let reference = contenders[baseline]
        var result: [String] = []
        for contender in contenders.indices.filter({ $0 != baseline }).map({ contenders[$0] }) {
            let measures: [(String, Double?, Double?)] = [
                ("ROC AUC", contender.rocAUC, reference.rocAUC),
                ("average precision", contender.averagePrecision, reference.averagePrecision),
                ("card precision@\(cardsPerDay)", contender.cardPrecisionAtK, reference.cardPrecisionAtK),
            ]
            for (name, value, other) in measures {
                guard let value, let other, value > other else {
                    result.append("\(contender.name) \(name) \(ReportFormatting.decimal(value, digits: 4)) vs \(ReportFormatting.decimal(other, digits: 4))")
                    continue
                }
            }
        }
        return result
    }
}
