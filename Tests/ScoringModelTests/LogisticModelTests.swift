#if canImport(Glibc)
import Glibc
#endif
import ScoringModel
import Testing

@Suite("Logistic model files")
struct LogisticModelTests {
    typealias F = LearningFixtures

    @Test("a logistic model file parses, round-trips and compiles named coefficients")
    func parse() throws {
        let model = try F.logisticModel()
        let logistic = try #require(model.logistic)
        #expect(logistic.bias == -5)
        #expect(logistic[feature: Feature.patternScore.rawValue] == 6)
        #expect(logistic[feature: FeatureVector.method(.buyNowPayLater)] == 0)
        #expect(model.weights == RiskModel.builtIn.weights)
        let again = try RiskModel.decode(json: Array(try model.encodedJSON()))
        #expect(again == model)
        #expect(RiskModel.builtIn.logistic == nil)
    }

    @Test("an existing noisy-OR file still loads as noisy-OR, with or without the combiner key")
    func noisyOr() throws {
        let plain = try RiskModel.decode(json: Array(try RiskModel.builtIn.encodedJSON()))
        #expect(plain == RiskModel.builtIn)
        let legacy = #"{"version": "v", "weights": {"amount": 0.1, "velocity": 0.2, "geographic": 0.3, "device": 0.4, "pattern": 0.5}, "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#
        #expect(try RiskModel.decode(json: Array(legacy.utf8)).combiner == .noisyOr)
    }

    @Test(
        "bad logistic files are refused with a clear reason",
        arguments: [
            (#"{"version": "x", "combiner": "logistic", "logistic": {"bias": 0, "coefficients": {"amount_scor": 1}}, "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
             "unknown feature \"amount_scor\""),
            (#"{"version": "x", "combiner": "logistic", "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
             "needs a \"logistic\" object"),
            (#"{"version": "x", "combiner": "gbdt", "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
             "combiner must be"),
            (#"{"version": "x", "combiner": "logistic", "logistic": {"bias": 0, "coefficients": {"amount_score": 1e30}}, "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
             "must be finite"),
            (#"{"version": "x", "weights": {"amount": 0.1, "velocity": 0.2, "geographic": 0.3, "device": 0.4, "pattern": 0.5}, "logistic": {"bias": 0, "coefficients": {}}, "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
             "combiner is noisy_or"),
        ])
    func refused(json: String, reason: String) {
        do {
            _ = try RiskModel.decode(json: Array(json.utf8))
            Issue.record("accepted: \(json)")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }

    @Test("logistic scores are σ(bias + w·x) and the five contributions add up to the score")
    func contributions() throws {
        let engine = RiskEngine(configuration: F.configuration(), model: try F.logisticModel())
        let last = TransactionScript.establishHistory(on: engine)
        let results = [
            engine.score(
                TransactionFeatures(
                    cardID: "card-1", merchantID: "m", amountMinor: 4_500, eventTimeMs: last + 600_000,
                    location: TransactionScript.london, country: "GB", merchantCategory: "5411",
                    paymentMethod: "credit_card", channel: .cardPresent, transactionID: "london")),
            engine.score(
                TransactionFeatures(
                    cardID: "card-1", merchantID: "m", amountMinor: 250_000, eventTimeMs: last + 700_000,
                    location: TransactionScript.london, country: "GB", merchantCategory: "6051",
                    paymentMethod: "crypto", channel: .cardPresent, transactionID: "crypto")),
            engine.score(F.transaction("quiet", card: "card-2", at: last + 800_000)),
        ]
        for (id, result) in zip(["london", "crypto", "quiet"], results) {
            let features = try #require(engine.outcomes?.entry(EntityKey(id))).features
            let logistic = try #require(engine.model.logistic)
            #expect(abs(Double(result.score) - logistic.probability(features)) < 1e-6)
            #expect(abs(result.contributionTotal - result.score) < 1e-5, "\(id)")
            for factor in RiskFactor.allCases {
                #expect(result[factor].contribution >= 0)
                #expect(result[factor].weight == logistic[feature: factor.rawValue])
            }
        }
        #expect(results[0].level >= .high)
        for factor in RiskFactor.allCases where factor != .geographic {
            #expect(results[0][.geographic].contribution > results[0][factor].contribution)
        }
        #expect(results[0][.geographic].reason.contains("impossible travel"))
        #expect(results[1][.pattern].reason.contains("crypto"), "\(results[1][.pattern].reason)")
        #expect(results[1].score > results[2].score)
        // No positive evidence anywhere: spread evenly.
        #expect(RiskFactor.allCases.allSatisfy { results[2][$0].score == 0 })
        #expect(results[2].score < 0.01)
        #expect(abs(results[2][.amount].contribution - results[2].score / 5) < 1e-6)
    }

    @Test("a learned coefficient on a one-hot is named in its factor's reason")
    func learnedReason() throws {
        var model = try F.logisticModel()
        var logistic = try #require(model.logistic)
        logistic[feature: FeatureVector.method(.buyNowPayLater)] = 2.5
        model.combiner = .logistic(logistic)
        let engine = RiskEngine(configuration: F.configuration(), model: model)
        let result = engine.score(F.transaction("b", card: "c", at: TransactionScript.start, method: "bnpl"))
        #expect(result[.pattern].score == 0)
        #expect(result[.pattern].reason == "learned from outcomes: method_buy_now_pay_later (+2.5 log-odds)")
        #expect(result[.pattern].contribution > result.score * 0.9)
    }
}
