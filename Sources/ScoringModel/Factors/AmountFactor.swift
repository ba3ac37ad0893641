#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Amount: how far this amount is from the card's own spending profile, and how large it is outright.
enum AmountFactor {
    /// Population prior for a card with little history: ln(45.00) ± 1.2.
    static let populationLogMean = log(45.0)
    static let populationLogDeviation = 1.2
    /// How many transactions' worth of weight the prior carries.
    static let priorStrength = 3.0
    /// Floor on a card's deviation, so a card that always spends the same is not hair-triggered.
    static let minimumLogDeviation = 0.35
    /// Below this many earlier transactions a card is judged mostly against all cards.
    static let coldStartCount = 3

    /// Scores the factor against the card's state before the transaction, recording the raw
    /// features it looked at (its score is recorded by `RiskModel.assess`).
    static func evaluate(_ context: ScoringContext, into features: inout FeatureVector) -> FactorOutcome {
        let amount = context.transaction.amountMajor
        let profile = context.profile
        let z = (context.logAmount - profile.mean) / profile.deviation
        let typical = exp(profile.mean)

        var zScore = unit((z - 1.5) / 2.5)
        let coldStart = context.priorCount < coldStartCount
        // A young card's profile is mostly the population's: trust it less.
        if coldStart { zScore *= 0.7 }
        let relativeTo2000 = log10(max(amount, 1) / 2000)
        let absolute = 0.8 * unit(relativeTo2000 / 1.7)

        // Derived from what the score already computed: no more logarithms on the hot path.
        features[.amountZ] = Float(min(max(z, -10), 10))
        features[.amountLogRatio] = Float(z * profile.deviation)
        features[.amountLog10] = Float(relativeTo2000 + 3.301029995663981)
        features[.coldStart] = coldStart ? 1 : 0
        let ageDays = Double(context.seconds &- min(context.card.firstSeen, context.seconds)) / 86_400
        features[.cardAgeLogDays] = context.priorCount == 0 ? 0 : Float(log1p(ageDays))

        if absolute > zScore {
            return FactorOutcome(score: Float(absolute), primary: Signal(.amountLarge, amount))
        }
        if coldStart {
            return FactorOutcome(score: Float(zScore), primary: Signal(.amountColdStart, amount, Double(context.priorCount)))
        }
        if z > 1, amount >= 1.5 * typical {
            return FactorOutcome(score: Float(zScore), primary: Signal(.amountAboveProfile, amount, typical, z))
        }
        return FactorOutcome(score: Float(zScore), primary: Signal(.amountInLine, amount, typical))
    }
}
