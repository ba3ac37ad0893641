import ArgumentParser
import Foundation
import ScoringModel
import SyntheticWorld
import Testing

@testable import LoadGen

/// `loadgen train` and `loadgen evaluate` end to end, on a small world (6,000 transactions a
/// simulated day, 2 % fraud) so the suite stays quick: train on one seed with the standard
/// scenarios, evaluate on another seed where a buy-now-pay-later fraud wave, never seen in
/// training, starts on day 4.
@Suite("Training and held-out evaluation", .serialized)
struct LearningEvaluationTests {
    static let world = ["--speedup", "28800", "--fraud-rate", "0.02", "--outcome-maturity", "4d"]

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("streamify-\(getpid())-\(name)").path
    }

    /// Trains once for the suite; returns the model file's path.
    static let trainedModel: Result<String, any Error> = Result {
        let path = temporaryPath("trained.json")
        var train = try LoadGen.parseAsRoot(
            ["train", "--seed", "11", "--days", "10", "--output", path, "--version", "test-trained"] + world)
        try train.run()
        return path
    }

    @Test("train writes a logistic model file the daemon loads, with thresholds and precisions")
    func trainWritesAModelFile() throws {
        let model = try RiskModel.decode(json: Data(contentsOf: URL(fileURLWithPath: try Self.trainedModel.get())))
        #expect(model.version == "test-trained")
        let logistic = try #require(model.logistic)
        #expect(logistic.bias < -2, "fraud is rare: \(logistic.bias)")
        #expect(logistic.biasPrecision > 0)
        #expect(logistic.precision[FeatureVector.channel(.online)] > 1, "online purchases are common in training")
        #expect(logistic.precision[FeatureVector.method(.buyNowPayLater)] == 0, "never seen in training")
        #expect(logistic[feature: FeatureVector.method(.buyNowPayLater)] == 0)
        #expect(model.thresholds.medium < model.thresholds.high)
    }

    @Test("trained beats hand-set on all three measures, frozen and with a challenger learning beside it")
    func heldOutEvaluation() async throws {
        let reportPath = Self.temporaryPath("evaluation.json")
        var evaluate = try #require(try LoadGen.parseAsRoot(
            [
                "evaluate", "--model", try Self.trainedModel.get(), "--seed", "12", "--days", "12",
                "--scenarios", "standard,bnpl_fraud@4d", "--cards-per-day", "20", "--report", reportPath,
                "--require-improvement",
            ] + Self.world) as? any AsyncParsableCommand)
        try await evaluate.run()
        let report = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        #expect(report.contenders.map(\.name) == ["hand-set", "trained, frozen", "trained, online"])
        #expect(report.shortfalls(against: 0).isEmpty, "\(report.shortfalls(against: 0))")
        let (frozen, online) = (report.contenders[1], report.contenders[2])
        #expect(frozen.endVersion == "test-trained")
        // Twelve days leave a challenger little time to prove itself against a trained champion:
        // whether it answers by the end varies; that it takes over is tested on longer streams
        // (UnseenWorldTests, OnlineLearnerTests).
        #expect(online.endVersion == "test-trained" || online.endVersion.hasPrefix("test-trained+online."))
        #expect(online.learnerUpdates > 1_000)

        let frozenBNPL = try #require(frozen.scenarios.first { $0.scenario == "bnpl_fraud" })
        let onlineBNPL = try #require(online.scenarios.first { $0.scenario == "bnpl_fraud" })
        #expect(frozenBNPL.transactions >= 40, "enough of the new wave to measure: \(frozenBNPL.transactions)")
        #expect(frozenBNPL.transactionsBeforeFirstLabel > 0)
        let frozenAfter = try #require(frozenBNPL.recallAfterFirstLabel)
        let onlineAfter = try #require(onlineBNPL.recallAfterFirstLabel)
        #expect(onlineAfter >= frozenAfter, "a challenger only answers when better: online \(onlineAfter) vs frozen \(frozenAfter)")
    }

    @Test("evaluate refuses a hand-set model file as the trained model")
    func evaluateRefusesANoisyOrModel() async throws {
        let path = Self.temporaryPath("handset.json")
        try RiskModel.builtIn.encodedJSON().write(to: URL(fileURLWithPath: path))
        var evaluate = try #require(try LoadGen.parseAsRoot(["evaluate", "--model", path, "--days", "1"]) as? any AsyncParsableCommand)
        await #expect(throws: (any Error).self) { try await evaluate.run() }
    }
}

/// A world the champion was not built for, learned from its own delayed labels.
@Suite("Learning on a world the model was not designed on")
struct UnseenWorldTests {
    @Test("on the terminal world the default daemon's challenger learns from the first labels and beats the hand-set model")
    func improvesAfterFirstLabels() throws {
        let world = TerminalWorldConfiguration(
            seed: 3, customerCount: 600, terminalCount: 1_200, compromisedTerminalsPerDay: 1, skimmedCardsPerDay: 1,
            nightCashOutsPerDay: 1)
        let days = 42.0
        var evaluation = ModelEvaluation(
            replay: OfflineReplay(terminalWorld: world, days: days), source: "small terminal world",
            contenders: [
                .init(name: "hand-set, frozen", model: .builtIn, learning: false),
                .init(name: "default", model: .builtIn, learning: true),
            ],
            outcomes: OutcomeSettings(maturitySeconds: 8 * 86_400, merchantDelayDays: 7),
            learning: LearningConfiguration(challenger: ChallengerPolicy(minimumFrauds: 20, minimumLegitimate: 300)),
            cardsPerDay: 20, measureFromMs: world.startTimeMs + 21 * 86_400_000,
            reference: .init(labelDelayMs: world.feedbackDelayMs!))
        let report = try evaluation.run()
        let (frozen, online, reference) = (report.contenders[0], report.contenders[1], report.contenders[2])
        #expect(report.fraudTransactions > 100, "\(report.fraudTransactions)")
        #expect(online.endVersion.hasPrefix("handset-2026.11+online."), "the challenger answers: \(online.endVersion)")
        let frozenAP = try #require(frozen.averagePrecision)
        let onlineAP = try #require(online.averagePrecision)
        #expect(onlineAP > frozenAP + 0.1, "online \(onlineAP) vs hand-set \(frozenAP)")
        #expect(try #require(online.rocAUC) > (try #require(frozen.rocAUC)))
        #expect(reference.name.hasPrefix("reference LR"))
        #expect(try #require(reference.averagePrecision) > frozenAP, "the reference is a real baseline")
    }
}
