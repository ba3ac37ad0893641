#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RiskModel {
    /// Scores every factor against the card's state before this transaction, filling
    /// `features` with everything they looked at, the hand-set noisy-OR's verdict included.
    func assess(_ context: ScoringContext, features: inout FeatureVector) -> RiskAssessment {
        var factors = FactorSlots<FactorOutcome>(repeating: FactorOutcome(score: 0, primary: .none))
        for factor in RiskFactor.allCases {
            let outcome = factor.evaluate(context, into: &features)
            factors[factor.rawValue] = outcome
            features[Feature.score(of: factor)] = outcome.score
        }
        let handset = combine(factors)
        features[FeatureVector.handsetLogit] = Self.handsetLogit(of: handset.score)
        switch combiner {
        case .noisyOr:
            return handset
        case .logistic(let logistic):
            var shares = FactorSlots<Double>(repeating: 0)
            if handset.score > 0 {
                for factor in RiskFactor.allCases {
                    shares[factor.rawValue] = Double(handset.factors[factor.rawValue].contribution / handset.score)
                }
            }
            let (score, explained) = logistic.combine(
                factors, features: features, handsetShares: shares, thresholds: thresholds)
            return RiskAssessment(score: score, level: level(for: score), factors: explained)
        }
    }

    /// The `handsetLogit` feature for a noisy-OR score: its log-odds, within ±12.
    @inline(__always)
    static func handsetLogit(of score: Float) -> Float {
        Float(LogOdds.of(Double(score), within: 12))
    }

    /// Noisy-OR of the weighted factor scores, with each factor's share of the result.
    public func combine(_ scored: FactorSlots<FactorOutcome>) -> RiskAssessment {
        var factors = scored
        var evidence = FactorSlots<Double>(repeating: 0)
        var total = 0.0
        for factor in RiskFactor.allCases {
            let weight = weights[factor]
            factors[factor.rawValue].weight = weight
            let probability = min(Double(weight * factors[factor.rawValue].score), 0.999)
            let logOdds = -log1p(-probability)
            evidence[factor.rawValue] = logOdds
            total += logOdds
        }
        let score = 1 - exp(-total)
        for factor in RiskFactor.allCases {
            factors[factor.rawValue].contribution = total > 0 ? Float(score * evidence[factor.rawValue] / total) : 0
        }
        let rounded = Float(score)
        return RiskAssessment(score: rounded, level: level(for: rounded), factors: factors)
    }
}
