import SyntheticWorld
import ScoringModel
import ScoringEngine
import StreamifyWire

/// Scores one held-out world with several models side by side, each on its own in-process
/// engine, in event-time order with outcomes fed back after their delay, and measures each.
///
/// All contenders see exactly the same transactions and labels; a learning contender trains
/// its challenger from the labels as the daemon would (matured transactions count as legitimate).
struct ModelEvaluation {
    /// A model under evaluation.
    struct Contender: Sendable {
        var name: String
        var model: RiskModel
        /// Online learning on (the daemon's default) or frozen.
        var learning: Bool
    }

    var replay: OfflineReplay
    /// Where the traffic came from, for the report.
    var source: String
    var contenders: [Contender]
    var outcomes = OutcomeSettings()
    var learning = LearningConfiguration()
    /// Cards an analyst team can review per day (card precision@k).
    var cardsPerDay = 100

    mutating func run() throws -> EvaluationReport {
        let engines = contenders.map { contender in
            var learning = self.learning
            learning.enabled = contender.learning
            return RiskEngine(configuration: outcomes.engineConfiguration(learning: learning), model: contender.model)
        }
        var scores = [[Float]](repeating: [], count: contenders.count)
        var levels = [[RiskLevel]](repeating: [], count: contenders.count)
        var daily = [DailyCardPrecision](
            repeating: DailyCardPrecision(k: cardsPerDay), count: contenders.count)
        var truths: [UInt8] = []
        // For fraud only: whether a label of its scenario had already arrived when it was scored.
        var afterFirstLabel: [Bool] = []
        var scenarioOfFraud: [String: FraudScenario] = [:]
        var firstLabelMs: [FraudScenario: Int64] = [:]
        var labels = 0

        try replay.run(
            transaction: { labelled, features in
                // Unlabelled transactions (a file without labels) shape the state, not the measures.
                guard labelled.knownTruth else {
                    for engine in engines { _ = engine.score(features) }
                    return
                }
                let truth = labelled.truth
                truths.append(truth.code)
                if let scenario = truth.scenario {
                    scenarioOfFraud[labelled.transaction.transactionID] = scenario
                    afterFirstLabel.append(firstLabelMs[scenario] != nil)
                } else {
                    afterFirstLabel.append(false)
                }
                for (index, engine) in engines.enumerated() {
                    let assessment = engine.score(features)
                    scores[index].append(assessment.score)
                    levels[index].append(assessment.level)
                    daily[index].add(
                        cardIndex: labelled.cardIndex, eventTimeMs: labelled.transaction.eventTimeMs,
                        score: assessment.score, fraud: truth.isFraud)
                }
            },
            feedback: { report, features in
                labels += 1
                if report.label == .fraud, let scenario = scenarioOfFraud.removeValue(forKey: report.transactionID),
                    firstLabelMs[scenario] == nil
                {
                    firstLabelMs[scenario] = report.reportedTimeMs
                }
                for engine in engines { engine.record(features) }
            },
            settle: { for engine in engines { engine.expireIdle() } })

        let fraud = truths.map { $0 != 0 }
        let results = contenders.indices.map { index in
            EvaluationReport.ContenderResult(
                name: contenders[index].name, startVersion: contenders[index].model.version,
                endVersion: engines[index].model.version, learnerUpdates: engines[index].learner.updateCount,
                rocAUC: RankingMetrics.rocAUC(scores: scores[index], fraud: fraud),
                averagePrecision: RankingMetrics.averagePrecision(scores: scores[index], fraud: fraud),
                cardPrecisionAtK: daily[index].meanPrecision, dailyCardPrecision: daily[index].dailyPrecision,
                alerts: RiskLevel.allCases.filter { $0 != .low }.map { level in
                    EvaluationReport.AlertQuality(level: level, levels: levels[index], fraud: fraud)
                },
                scenarios: FraudScenario.allCases.filter { truths.contains($0.code) }.map { scenario in
                    EvaluationReport.ScenarioRecall(
                        scenario: scenario, truths: truths, levels: levels[index], afterFirstLabel: afterFirstLabel)
                })
        }
        return EvaluationReport(
            source: source, transactions: truths.count, fraudTransactions: fraud.reduce(0) { $0 + ($1 ? 1 : 0) },
            labels: labels, outcomes: outcomes,
            cardsPerDay: cardsPerDay, contenders: results)
    }
}
