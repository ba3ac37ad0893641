import SyntheticWorld
import ScoringModel
import ScoringEngine
import StreamifyWire

/// Scores one held-out world with several models side by side, each on its own in-process
/// engine, in event-time order with outcomes fed back after their delay, and measures each.
///
/// All contenders see exactly the same transactions and labels; a learning contender trains
/// its challenger from the labels as the daemon would (matured transactions count as
/// legitimate) and answers with whichever model its engine serves. Transactions before
/// `measureFromMs` shape state and teach learners but are not measured; with `reference`, a
/// standard logistic regression (`ReferenceFeatures`) is fitted on the labelled transactions
/// whose outcome was known by then and measured beside the others.
struct ModelEvaluation {
    /// A model under evaluation.
    struct Contender: Sendable {
        var name: String
        var model: RiskModel
        /// Online learning on (the daemon's default) or frozen.
        var learning: Bool
    }

    /// The reference logistic regression's setting: its training ends this long before
    /// `measureFromMs`, so every training label had been reported.
    struct Reference: Sendable {
        var name = "reference LR (15 windowed features)"
        var labelDelayMs: Int64
    }

    var replay: OfflineReplay
    /// Where the traffic came from, for the report.
    var source: String
    var contenders: [Contender]
    var outcomes = OutcomeSettings()
    var learning = LearningConfiguration()
    /// Cards an analyst team can review per day (card precision@k).
    var cardsPerDay = 100
    /// Transactions from this event time on are measured (nil: all).
    var measureFromMs: Int64?
    /// Fit and measure the reference logistic regression too (needs `measureFromMs`).
    var reference: Reference?

    /// What is kept per measured transaction for one contender.
    struct Measured {
        var scores: [Float] = []
        var levels: [RiskLevel] = []
        var daily: DailyCardPrecision

        /// Notes one measured transaction's score and level.
        mutating func add(score: Float, level: RiskLevel, cardIndex: Int, eventTimeMs: Int64, fraud: Bool) {
            scores.append(score)
            levels.append(level)
            daily.add(cardIndex: cardIndex, eventTimeMs: eventTimeMs, score: score, fraud: fraud)
        }
    }

    mutating func run() throws -> EvaluationReport {
        let engines = contenders.map { contender in
            var learning = self.learning
            learning.enabled = contender.learning
            return RiskEngine(configuration: outcomes.engineConfiguration(learning: learning), model: contender.model)
        }
        let measureFrom = measureFromMs ?? Int64.min
        var measured = [Measured](repeating: Measured(daily: DailyCardPrecision(k: cardsPerDay)), count: contenders.count)
        var truths: [UInt8] = []
        var cardDays: [(cardIndex: Int, timeMs: Int64)] = []
        // For fraud only: whether a label of its scenario had already arrived when it was scored.
        var afterFirstLabel: [Bool] = []
        var scenarioOfFraud: [String: FraudScenario] = [:]
        var firstLabelMs: [FraudScenario: Int64] = [:]
        var labels = 0
        var referenceFeatures = ReferenceFeatures(delayDays: outcomes.merchantDelayDays)
        let referenceTrainingEnd = reference.map { measureFrom - $0.labelDelayMs } ?? Int64.min
        var referenceTraining: [(features: FeatureVector, fraud: Bool)] = []
        var referenceMeasured: [FeatureVector] = []

        try replay.run(
            transaction: { labelled, features in
                let time = labelled.transaction.eventTimeMs
                if reference != nil, labelled.knownTruth {
                    let values = Self.vector(referenceFeatures.features(of: labelled.transaction))
                    if time < referenceTrainingEnd { referenceTraining.append((values, labelled.truth.isFraud)) }
                    if time >= measureFrom { referenceMeasured.append(values) }
                }
                // Unlabelled transactions (a file without labels) and the warm-up shape the state, not the measures.
                guard labelled.knownTruth, time >= measureFrom else {
                    for engine in engines { _ = engine.score(features) }
                    return
                }
                let truth = labelled.truth
                truths.append(truth.code)
                cardDays.append((labelled.cardIndex, time))
                if let scenario = truth.scenario {
                    scenarioOfFraud[labelled.transaction.transactionID] = scenario
                    afterFirstLabel.append(firstLabelMs[scenario] != nil)
                } else {
                    afterFirstLabel.append(false)
                }
                for (index, engine) in engines.enumerated() {
                    let assessment = engine.score(features)
                    measured[index].add(
                        score: assessment.score, level: assessment.level, cardIndex: labelled.cardIndex, eventTimeMs: time,
                        fraud: truth.isFraud)
                }
            },
            feedback: { report, features in
                labels += 1
                referenceFeatures.report(report)
                if report.label == .fraud, let scenario = scenarioOfFraud.removeValue(forKey: report.transactionID),
                    firstLabelMs[scenario] == nil
                {
                    firstLabelMs[scenario] = report.reportedTimeMs
                }
                for engine in engines { engine.record(features) }
            },
            settle: { for engine in engines { engine.expireIdle() } })

        let fraud = truths.map { $0 != 0 }
        var results = contenders.indices.map { index in
            Self.result(
                name: contenders[index].name, startVersion: contenders[index].model.version,
                endVersion: engines[index].model.version, learnerUpdates: engines[index].learner.updateCount,
                measured: measured[index], fraud: fraud, truths: truths, afterFirstLabel: afterFirstLabel)
        }
        if let reference {
            results.append(
                try Self.referenceResult(
                    reference, training: referenceTraining, measuredFeatures: referenceMeasured, cardDays: cardDays,
                    cardsPerDay: cardsPerDay, fraud: fraud, truths: truths, afterFirstLabel: afterFirstLabel))
        }
        return EvaluationReport(
            source: source, transactions: truths.count, fraudTransactions: fraud.reduce(0) { $0 + ($1 ? 1 : 0) },
            labels: labels, outcomes: outcomes,
            cardsPerDay: cardsPerDay, contenders: results)
    }

    /// The reference features in a feature vector's first slots (what `LogisticTrainer` fits).
    static func vector(_ values: [Float]) -> FeatureVector {
        var vector = FeatureVector()
        for (index, value) in values.enumerated() { vector[index] = value }
        return vector
    }

    /// Fits the reference regression, calibrates its levels on its training scores as
    /// `loadgen train` does, and measures it on the measured transactions.
    static func referenceResult(
        _ reference: Reference, training: [(features: FeatureVector, fraud: Bool)], measuredFeatures: [FeatureVector],
        cardDays: [(cardIndex: Int, timeMs: Int64)], cardsPerDay: Int, fraud: [Bool], truths: [UInt8],
        afterFirstLabel: [Bool]
    ) throws -> EvaluationReport.ContenderResult {
        let combiner = try LogisticTrainer().fit(training)
        let trainingScores = training.map { Float(combiner.probability($0.features)) }
        let (thresholds, _) = ThresholdCalibration().thresholds(scores: trainingScores, fraud: training.map(\.fraud))
        let model = RiskModel(version: "reference", weights: RiskModel.builtIn.weights, thresholds: thresholds)
        var measured = Measured(daily: DailyCardPrecision(k: cardsPerDay))
        for (index, features) in measuredFeatures.enumerated() {
            let score = Float(combiner.probability(features))
            measured.add(
                score: score, level: model.level(for: score), cardIndex: cardDays[index].cardIndex,
                eventTimeMs: cardDays[index].timeMs, fraud: fraud[index])
        }
        return result(
            name: reference.name, startVersion: "fitted on \(training.count) transactions",
            endVersion: "reference", learnerUpdates: 0, measured: measured, fraud: fraud, truths: truths,
            afterFirstLabel: afterFirstLabel)
    }

    static func result(
        name: String, startVersion: String, endVersion: String, learnerUpdates: Int, measured: Measured,
        fraud: [Bool], truths: [UInt8], afterFirstLabel: [Bool]
    ) -> EvaluationReport.ContenderResult {
        EvaluationReport.ContenderResult(
            name: name, startVersion: startVersion, endVersion: endVersion, learnerUpdates: learnerUpdates,
            rocAUC: RankingMetrics.rocAUC(scores: measured.scores, fraud: fraud),
            averagePrecision: RankingMetrics.averagePrecision(scores: measured.scores, fraud: fraud),
            cardPrecisionAtK: measured.daily.meanPrecision, dailyCardPrecision: measured.daily.dailyPrecision,
            alerts: RiskLevel.allCases.filter { $0 != .low }.map { level in
                EvaluationReport.AlertQuality(level: level, levels: measured.levels, fraud: fraud)
            },
            scenarios: FraudScenario.allCases.filter { truths.contains($0.code) }.map { scenario in
                EvaluationReport.ScenarioRecall(
                    scenario: scenario, truths: truths, levels: measured.levels, afterFirstLabel: afterFirstLabel)
            })
    }
}
