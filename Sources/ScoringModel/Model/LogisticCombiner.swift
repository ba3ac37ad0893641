#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learned combination: logistic regression over the whole `FeatureVector`.
///
/// `score = σ(bias + Σ coefficient[i] · feature[i])`. In a model file the coefficients are named
/// (`{"bias": -5.2, "coefficients": {"pattern_score": 2.1, "method_buy_now_pay_later": 1.4}}`);
/// features not named have coefficient 0. Names are resolved once, at load, into a fixed array,
/// so scoring does no lookups and allocates nothing.
///
/// Explanations: the score is split across the five factors in proportion to each factor
/// group's positive evidence (the sum of its features' `coefficient · value`, floored at 0), or
/// evenly when no group has any, so the five contributions still add up to the score.
public struct LogisticCombiner: Sendable, BitwiseCopyable, Equatable {
    public var bias: Float
    /// Indexed like `FeatureVector`.
    public var coefficients: InlineArray<64, Float>

    /// Largest coefficient magnitude a model file may hold.
    public static let maximumMagnitude: Float = 1_000
    /// A feature's term must reach this many log-odds to be named in a reason on its own.
    static let reasonThreshold = 0.5

    public init(bias: Float = 0, coefficients: InlineArray<64, Float> = .init(repeating: 0)) {
        self.bias = bias
        self.coefficients = coefficients
    }

    public static func == (lhs: LogisticCombiner, rhs: LogisticCombiner) -> Bool {
        guard lhs.bias == rhs.bias else { return false }
        for index in 0..<FeatureVector.capacity where lhs.coefficients[index] != rhs.coefficients[index] { return false }
        return true
    }

    /// Resolves named coefficients; unknown names are an error.
    public init(bias: Float, named: [String: Float]) throws(RiskModel.InvalidModel) {
        self.init(bias: bias)
        for (name, value) in named {
            guard let index = FeatureVector.index(named: name) else {
                throw RiskModel.InvalidModel(
                    description: "logistic.coefficients: unknown feature \"\(name)\"; known features: "
                        + FeatureVector.names.map(\.string).joined(separator: ", "))
            }
            coefficients[index] = value
        }
        try validate()
    }

    /// Coefficients by name (non-zero ones only), for writing a model file.
    public var named: [String: Float] {
        var result: [String: Float] = [:]
        for index in 0..<FeatureVector.count where coefficients[index] != 0 {
            result[FeatureVector.names[index].string] = coefficients[index]
        }
        return result
    }

    public subscript(feature index: Int) -> Float {
        get { coefficients[index] }
        set { coefficients[index] = newValue }
    }

    func validate() throws(RiskModel.InvalidModel) {
        guard bias.isFinite, abs(bias) <= Self.maximumMagnitude else {
            throw RiskModel.InvalidModel(description: "logistic.bias must be finite and within ±\(Self.maximumMagnitude)")
        }
        for index in 0..<FeatureVector.capacity {
            let value = coefficients[index]
            guard value.isFinite, abs(value) <= Self.maximumMagnitude else {
                let name = index < FeatureVector.count ? FeatureVector.names[index].string : "#\(index)"
                throw RiskModel.InvalidModel(
                    description: "logistic.coefficients.\(name) must be finite and within ±\(Self.maximumMagnitude)")
            }
            if index >= FeatureVector.count, value != 0 {
                throw RiskModel.InvalidModel(description: "logistic coefficient #\(index) is past the last feature")
            }
        }
    }

    /// The log-odds for `features`.
    @inline(__always)
    public func logit(_ features: FeatureVector) -> Double {
        var z = Double(bias)
        for index in 0..<FeatureVector.count {
            z += Double(coefficients[index]) * Double(features[index])
        }
        return z
    }

    /// The probability for `features`.
    @inline(__always)
    public func probability(_ features: FeatureVector) -> Double {
        let z = logit(features)
        return 1 / (1 + exp(-z))
    }

    /// Scores `features` and splits the score across the factors; each factor keeps its own
    /// score and evidence, and its weight is the coefficient on that factor's score.
    func combine(
        _ scored: InlineArray<5, FactorOutcome>, features: FeatureVector, thresholds: RiskModel.Thresholds
    ) -> (score: Float, factors: InlineArray<5, FactorOutcome>) {
        var factors = scored
        var evidence = InlineArray<5, Double>(repeating: 0)
        // The strongest one-hot term per factor: a learned pattern no hand-set signal names.
        var strongest = InlineArray<5, Double>(repeating: 0)
        var strongestIndex = InlineArray<5, Int>(repeating: -1)
        var z = Double(bias)
        for group in 0..<5 {
            var sum = Double(coefficients[group]) * Double(features[group])
            for index in FeatureVector.rawRanges[group] where features[index] != 0 {
                let term = Double(coefficients[index]) * Double(features[index])
                sum += term
                if index >= FeatureVector.categoryBase, term > strongest[group] {
                    strongest[group] = term
                    strongestIndex[group] = index
                }
            }
            evidence[group] = sum
            z += sum
        }
        let score = 1 / (1 + exp(-z))
        var positive = 0.0
        for group in 0..<5 { positive += max(evidence[group], 0) }
        for factor in RiskFactor.allCases {
            let group = factor.rawValue
            factors[group].weight = coefficients[factor.rawValue]
            factors[group].contribution = Float(positive > 0 ? score * max(evidence[group], 0) / positive : score / 5)
            if strongestIndex[group] >= 0, strongest[group] >= Self.reasonThreshold {
                let learned = Signal(.learnedFeature, Double(strongestIndex[group]), strongest[group])
                if factors[group].score == 0 {
                    factors[group].primary = learned
                } else if factors[group].secondary.kind == .none {
                    factors[group].secondary = learned
                }
            }
        }
        return (Float(score), factors)
    }
}
