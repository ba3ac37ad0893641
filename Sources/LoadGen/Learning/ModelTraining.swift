import Foundation
import ScoringModel
import ScoringEngine

/// Fits a logistic model to a labelled world: streams it through an in-process engine as the
/// daemon would see it (outcomes fed back after their delay, so merchant fraud rates and
/// fraud-tied devices are only what could have been known), keeps each transaction's feature
/// vector with its ground truth, and fits `LogisticTrainer` to them.
struct ModelTraining {
    var replay: OfflineReplay
    /// Where the traffic came from, for the summary.
    var source: String
    var outcomes = OutcomeSettings()
    var trainer = LogisticTrainer()
    var calibration = ThresholdCalibration()
    var version: String

    /// What training saw and produced.
    struct Summary: Sendable, Codable {
        var version: String
        var source: String
        var transactions: Int
        var fraudTransactions: Int
        var labelsReported: Int
        var fitSeconds: Double
        /// On the training set itself (optimistic; `evaluate` measures on a held-out world).
        var trainingROCAUC: Double?
        var trainingAveragePrecision: Double?
        var levels: [ThresholdCalibration.Level]
        var nonZeroCoefficients: Int
    }

    mutating func run() throws -> (model: RiskModel, summary: Summary) {
        var frozen = LearningConfiguration()
        frozen.enabled = false
        // Every model sees the same features, the hand-set model's verdict (`handset_logit`) included.
        let engine = RiskEngine(configuration: outcomes.engineConfiguration(learning: frozen), model: .builtIn)
        let models = engine.models
        var samples: [(features: FeatureVector, fraud: Bool)] = []
        var labels = 0
        var vector = FeatureVector()
        try replay.run(
            transaction: { labelled, features in
                _ = engine.score(features, with: models, features: &vector)
                if labelled.knownTruth { samples.append((vector, labelled.truth.isFraud)) }
            },
            feedback: { _, features in
                engine.record(features)
                labels += 1
            },
            settle: { engine.expireIdle() })

        let started = ContinuousClock.now
        let combiner = try trainer.fit(samples)
        let fitSeconds = (ContinuousClock.now - started) / .seconds(1)
        let scores = samples.map { Float(combiner.probability($0.features)) }
        let fraud = samples.map(\.fraud)
        let (thresholds, levels) = calibration.thresholds(scores: scores, fraud: fraud)
        let model = try RiskModel(
            version: version, weights: RiskModel.builtIn.weights, thresholds: thresholds,
            combiner: .logistic(combiner)
        ).validated()
        let summary = Summary(
            version: version, source: source,
            transactions: samples.count, fraudTransactions: fraud.reduce(0) { $0 + ($1 ? 1 : 0) },
            labelsReported: labels, fitSeconds: fitSeconds,
            trainingROCAUC: RankingMetrics.rocAUC(scores: scores, fraud: fraud),
            trainingAveragePrecision: RankingMetrics.averagePrecision(scores: scores, fraud: fraud),
            levels: levels, nonZeroCoefficients: combiner.named.count)
        return (model, summary)
    }
}
