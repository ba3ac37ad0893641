import Foundation
import Testing

@testable import ScoringModel

@Suite("Per-coefficient precision")
struct LearnerPrecisionTests {
    static let online = FeatureVector.channel(.online)
    static let bnpl = FeatureVector.method(.buyNowPayLater)

    static func model(_ combiner: LogisticCombiner) -> RiskModel {
        RiskModel(
            version: "precision-test", weights: RiskModel.builtIn.weights,
            thresholds: RiskModel.Thresholds(medium: 0.3, high: 0.6, critical: 0.85), combiner: .logistic(combiner))
    }

    @Test("a coefficient training was sure of barely moves; one it never informed moves fast")
    func precisionGovernsTheStep() throws {
        var combiner = LogisticCombiner(bias: -4)
        combiner.biasPrecision = 1e6
        combiner.precision[Self.online] = 1e6
        let learner = OnlineLearner(configuration: LearningConfiguration(publishEvery: 1))
        learner.rebase(on: Self.model(combiner)) { _ in }
        var features = FeatureVector()
        features[Self.online] = 1
        features[Self.bnpl] = 1
        var published: RiskModel?
        for _ in 0..<6 { #expect(learner.learn(features, fraud: true) { published = $0 }) }
        let learned = try #require(published?.logistic)
        #expect(abs(learned[feature: Self.online]) < 1e-4, "\(learned[feature: Self.online])")
        #expect(abs(learned.bias + 4) < 1e-4, "\(learned.bias)")
        #expect(learned[feature: Self.bnpl] > 1, "\(learned[feature: Self.bnpl])")
        #expect(learned[feature: Self.bnpl] <= 6 * 0.25 + 1e-6, "each step is clipped to 0.25")
        #expect(learned.precision[Self.bnpl] > 1, "evidence accumulates")
        #expect(learned.precision[Self.online] > 1e6)
    }

    @Test("model files carry precisions, round-trip them and refuse bad ones")
    func modelFilePrecision() throws {
        let json = #"""
            {"version": "p", "combiner": "logistic",
             "logistic": {"bias": -3, "coefficients": {"amount_score": 2},
                          "precision": {"bias": 500, "amount_score": 40.5}},
             "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}
            """#
        let model = try RiskModel.decode(json: Array(json.utf8))
        let logistic = try #require(model.logistic)
        #expect(logistic.biasPrecision == 500)
        #expect(logistic.precision[Feature.amountScore.rawValue] == 40.5)
        #expect(try RiskModel.decode(json: Array(model.encodedJSON())) == model)
        for bad in [#""precision": {"amount_scor": 1}"#, #""precision": {"bias": -1}"#] {
            let text = json.replacingOccurrences(of: #""precision": {"bias": 500, "amount_score": 40.5}"#, with: bad)
            #expect(throws: (any Error).self) { try RiskModel.decode(json: Array(text.utf8)) }
        }
    }

    @Test("a refit pulled toward an earlier champion's prior is dropped, not adopted")
    func staleRefitDropped() {
        let learner = OnlineLearner(configuration: LearningConfiguration(publishEvery: 1))
        var first = LogisticCombiner(bias: -4)
        first[feature: Self.online] = 1
        learner.rebase(on: Self.model(first)) { _ in }
        var fit = LogisticCombiner(bias: -2)
        fit[feature: Self.bnpl] = 3
        var published: RiskModel?
        learner.rebase(on: Self.model(LogisticCombiner(bias: -6))) { _ in }
        learner.adopt(fit, fittedTo: first) { published = $0 }
        #expect(published == nil, "the champion changed while the fit ran")
        learner.adopt(fit, fittedTo: LogisticCombiner(bias: -6)) { published = $0 }
        #expect(published?.logistic?[feature: Self.bnpl] == 3)
    }

    @Test("a learned version fits a model version's limit, a long root cut between characters")
    func learnedVersionFits() throws {
        for root in [String(repeating: "a", count: 54) + "€", String(repeating: "é", count: 40), "champion-v3"] {
            let version = OnlineLearner.version(root: root, publication: 12)
            #expect(version.utf8.count <= RiskModel.maximumVersionBytes, "\(version)")
            #expect(version.hasSuffix("+online.12") && !version.contains("\u{FFFD}"), "\(version)")
            #expect(root.hasPrefix(version.dropLast("+online.12".count)))
        }
        #expect(OnlineLearner.version(root: "champion-v3", publication: 12) == "champion-v3+online.12")
    }
}
