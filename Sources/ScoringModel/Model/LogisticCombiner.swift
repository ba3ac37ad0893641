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
///
/// Confidence: a trained file may also say how sure it is of each coefficient (`"precision"`,
/// the Fisher information the training data gave it, with `"bias"` for the bias). The online
/// learner moves a sure coefficient little and one the data never informed (a feature that never
/// occurred in training) a lot. Scoring ignores it.
public struct LogisticCombiner: Sendable, BitwiseCopyable, Equatable {
    /// The intercept, in log-odds.
    public var bias: Float
    /// Indexed like `FeatureVector`.
    public var coefficients: InlineArray<64, Float>
    /// Precision (inverse variance) of each coefficient, indexed like `FeatureVector`; 0: not known.
    public var precision: InlineArray<64, Float> = .init(repeating: 0)
    /// Precision of the bias; 0: not known.
    public var biasPrecision: Float = 0

    /// Largest coefficient magnitude a model file may hold.
    public static let maximumMagnitude: Float = 1_000
    /// A feature's term must reach this many log-odds to be named in a reason on its own.
    static let reasonThreshold = 0.5

    /// A combiner with the given bias and coefficients (indexed like `FeatureVector`), every precision unknown.
    public init(bias: Float = 0, coefficients: InlineArray<64, Float> = .init(repeating: 0)) {
        self.bias = bias
        self.coefficients = coefficients
    }

    public static func == (lhs: LogisticCombiner, rhs: LogisticCombiner) -> Bool {
        guard lhs.bias == rhs.bias, lhs.biasPrecision == rhs.biasPrecision else { return false }
        for index in 0..<FeatureVector.capacity {
            guard lhs.coefficients[index] == rhs.coefficients[index], lhs.precision[index] == rhs.precision[index]
            else { return false }
        }
        return true
    }

    /// Resolves named coefficients (and precisions, `"bias"` naming the bias's); unknown names
    /// are an error.
    public init(bias: Float, named: [String: Float], precision: [String: Float] = [:]) throws(RiskModel.InvalidModel) {
        self.init(bias: bias)
        for (name, value) in named {
            coefficients[try Self.index(of: name, in: "coefficients")] = value
        }
        for (name, value) in precision {
            guard value.isFinite, value >= 0 else {
                throw RiskModel.InvalidModel(description: "logistic.precision.\(name) must be a finite number ≥ 0")
            }
            if name == "bias" {
                biasPrecision = value
            } else {
                self.precision[try Self.index(of: name, in: "precision")] = value
            }
        }
        try validate()
    }

    private static func index(of name: String, in field: String) throws(RiskModel.InvalidModel) -> Int {
        guard let index = FeatureVector.index(named: name) else {
            throw RiskModel.InvalidModel(
                description: "logistic.\(field): unknown feature \"\(name)\"; known features: "
                    + FeatureVector.names.map(\.string).joined(separator: ", "))
        }
        return index
    }

    /// Coefficients by name (non-zero ones only), for writing a model file.
    public var named: [String: Float] {
        var result: [String: Float] = [:]
        for index in 0..<FeatureVector.count where coefficients[index] != 0 {
            result[FeatureVector.names[index].string] = coefficients[index]
        }
        return result
    }

    /// Precisions by name (known ones only; `"bias"` for the bias), for writing a model file.
    public var namedPrecision: [String: Float] {
        var result: [String: Float] = [:]
        if biasPrecision > 0 { result["bias"] = biasPrecision }
        for index in 0..<FeatureVector.count where precision[index] > 0 {
            result[FeatureVector.names[index].string] = precision[index]
        }
        return result
    }

    /// The coefficient on feature `index`.
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
            if index >= FeatureVector.count, value != 0 || precision[index] != 0 {
                throw RiskModel.InvalidModel(description: "logistic coefficient #\(index) is past the last feature")
            }
            guard precision[index].isFinite, precision[index] >= 0 else {
                throw RiskModel.InvalidModel(description: "logistic precision #\(index) must be a finite number ≥ 0")
            }
        }
        guard biasPrecision.isFinite, biasPrecision >= 0 else {
            throw RiskModel.InvalidModel(description: "logistic.precision.bias must be a finite number ≥ 0")
        }
    }

    /// The log-odds for `features`.
    @inline(__always)
    public func logit(_ features: FeatureVector) -> Double {
        var z = Double(bias)
        // Spans taken once: indexing the inline arrays directly copies them at every read.
        let weights = coefficients.span
        let values = features.values.span
        for index in 0..<FeatureVector.count {
            z += Double(weights[index]) * Double(values[index])
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
    /// score and evidence, and its weight is the coefficient on that factor's score. The
    /// `handsetLogit` term is split in `handsetShares` (the noisy-OR's own proportions; evenly
    /// when they are all 0).
    func combine(
        _ scored: FactorSlots<FactorOutcome>, features: FeatureVector, handsetShares: FactorSlots<Double>,
        thresholds: RiskModel.Thresholds
    ) -> (score: Float, factors: FactorSlots<FactorOutcome>) {
        var factors = scored
        var evidence = FactorSlots<Double>(repeating: 0)
        // The strongest one-hot term per factor: a learned pattern no hand-set signal names.
        var strongest = FactorSlots<Double>(repeating: 0)
        var strongestIndex = FactorSlots<Int>(repeating: -1)
        var z = Double(bias)
        // Spans taken once: indexing the inline arrays directly copies them at every read.
        let weights = coefficients.span
        let values = features.values.span
        let handsetTerm = Double(weights[FeatureVector.handsetLogit]) * Double(values[FeatureVector.handsetLogit])
        var shareTotal = 0.0
        for group in 0..<RiskFactor.allCases.count { shareTotal += handsetShares[group] }
        for group in 0..<RiskFactor.allCases.count {
            let share = shareTotal > 0 ? handsetShares[group] / shareTotal : 1 / Double(RiskFactor.allCases.count)
            var sum = Double(weights[group]) * Double(values[group]) + handsetTerm * share
            for index in FeatureVector.rawRanges[group] where values[index] != 0 {
                let term = Double(weights[index]) * Double(values[index])
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
        for group in 0..<RiskFactor.allCases.count { positive += max(evidence[group], 0) }
        for factor in RiskFactor.allCases {
            let group = factor.rawValue
            factors[group].weight = weights[group]
            factors[group].contribution = Float(positive > 0 ? score * max(evidence[group], 0) / positive : score / Double(RiskFactor.allCases.count))
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
