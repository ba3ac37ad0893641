#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RiskModel {
    /// Scores every factor against the card's state before this transaction into `assessment`,
    /// filling `features` with everything they looked at, the hand-set noisy-OR's verdict
    /// included. In place: an assessment is 400-odd bytes, and each return copied it whole.
    func assess(_ context: ScoringContext, features: inout FeatureVector, into assessment: inout RiskAssessment) {
        for factor in RiskFactor.allCases {
            let outcome = factor.evaluate(context, into: &features)
            assessment.factors[factor.rawValue] = outcome
            features[Feature.score(of: factor)] = outcome.score
        }
        combine(&assessment)
        features[FeatureVector.handsetLogit] = Self.handsetLogit(of: assessment.score)
        guard case .logistic(let logistic) = combiner else { return }
        var shares = FactorSlots<Double>(repeating: 0)
        if assessment.score > 0 {
            for factor in RiskFactor.allCases {
                shares[factor.rawValue] = Double(assessment.factors[factor.rawValue].contribution / assessment.score)
            }
        }
        let (score, explained) = logistic.combine(
            assessment.factors, features: features, handsetShares: shares, thresholds: thresholds)
        assessment = RiskAssessment(score: score, level: level(for: score), factors: explained)
    }

    /// The `handsetLogit` feature for a noisy-OR score: its log-odds, within ±12.
    @inline(__always)
    static func handsetLogit(of score: Float) -> Float {
        Float(LogOdds.of(Double(score), within: 12))
    }

    /// Noisy-OR of the weighted factor scores, with each factor's share of the result.
    public func combine(_ scored: FactorSlots<FactorOutcome>) -> RiskAssessment {
        var assessment = RiskAssessment(score: 0, level: .low, factors: scored)
        combine(&assessment)
        return assessment
    }

    /// `combine(_:)` in place: the noisy-OR of `assessment`'s factor scores, with each factor's
    /// weight and share of the result, and the score and level.
    func combine(_ assessment: inout RiskAssessment) {
        var evidence = FactorSlots<Double>(repeating: 0)
        var total = 0.0
        for factor in RiskFactor.allCases {
            let weight = weights[factor]
            assessment.factors[factor.rawValue].weight = weight
            let probability = min(Double(weight * assessment.factors[factor.rawValue].score), 0.999)
            let logOdds = -log1p(-probability)
            evidence[factor.rawValue] = logOdds
            total += logOdds
        }
        let score = 1 - exp(-total)
        for factor in RiskFactor.allCases {
            assessment.factors[factor.rawValue].contribution = total > 0 ? Float(score * evidence[factor.rawValue] / total) : 0
        }
        let rounded = Float(score)
        assessment.score = rounded
        assessment.level = level(for: rounded)
    }
}
