#if canImport(Glibc)
import Glibc
#endif
import ScoringModel
import Testing

@Suite("Logistic trainer")
struct LogisticTrainerTests {
    /// Samples whose fraud odds are σ(-3 + 4·pattern_score + 2·bnpl), from a fixed generator.
    static func samples(count: Int) -> [(features: FeatureVector, fraud: Bool)] {
        var random: UInt64 = 0x2545_F491_4F6C_DD1D
        func uniform() -> Double {
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            return Double(random >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in
            var features = FeatureVector()
            let pattern = uniform()
            let bnpl = uniform() < 0.3
            features[.patternScore] = Float(pattern)
            features[FeatureVector.method(bnpl ? .buyNowPayLater : .creditCard)] = 1
            let z = -3 + 4 * pattern + (bnpl ? 2 : 0)
            return (features, uniform() < 1 / (1 + exp(-z)))
        }
    }

    @Test("recovers the coefficients that generated the labels")
    func recovers() throws {
        let data = Self.samples(count: 20_000)
        let fitted = try LogisticTrainer(l2: 1e-6).fit(data)
        let bnplVsCredit = fitted[feature: FeatureVector.method(.buyNowPayLater)] - fitted[feature: FeatureVector.method(.creditCard)]
        #expect(abs(fitted[feature: Feature.patternScore.rawValue] - 4) < 0.4, "\(fitted[feature: Feature.patternScore.rawValue])")
        #expect(abs(bnplVsCredit - 2) < 0.3, "\(bnplVsCredit)")
        // The bias and the two method columns share the intercept between them.
        let creditIntercept = fitted.bias + fitted[feature: FeatureVector.method(.creditCard)]
        #expect(abs(creditIntercept + 3) < 0.3, "\(creditIntercept)")
        #expect(fitted[feature: Feature.amountZ.rawValue] == 0, "a feature that never varies gets no weight")
    }

    @Test("a trained combiner goes into a model file and back unchanged")
    func modelFile() throws {
        let fitted = try LogisticTrainer().fit(Self.samples(count: 2_000))
        var model = RiskModel.builtIn
        model.version = "trained-test"
        model.combiner = .logistic(fitted)
        let reloaded = try RiskModel.decode(json: Array(try model.encodedJSON()))
        #expect(reloaded == model)
    }

    @Test("refuses data with one class only or non-finite features")
    func refuses() {
        let legitimate = Self.samples(count: 100).map { ($0.features, false) }
        #expect(throws: LogisticTrainer.TrainingError.self) { try LogisticTrainer().fit(legitimate) }
        var broken = Self.samples(count: 100)
        broken[0].features[.amountZ] = .nan
        #expect(throws: LogisticTrainer.TrainingError.self) { try LogisticTrainer().fit(broken) }
    }
}
