#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Velocity: bursts of transactions and spend in the 1 min, 1 h and 24 h windows against the card's norm.
enum VelocityFactor {
    /// ln(n) for the counts windows usually hold, looked up rather than computed.
    private static let logTable: [Float] = (0..<128).map { Float(log(Double(max($0, 1)))) }

    @inline(__always)
    static func logCount(_ count: Int) -> Float {
        count < 128 ? logTable[max(count, 0)] : Float(log(Double(count)))
    }

    /// Scores the factor against the card's state before the transaction, recording the raw
    /// features it looked at (its score is recorded by `RiskModel.assess`).
    static func evaluate(_ context: ScoringContext, into features: inout FeatureVector) -> FactorOutcome {
        let usual = context.usualPerDay

        // The count windows overlap (a minute burst is also an hour burst): keep the strongest one.
        var count = (score: 0.0, signal: Signal(.velocityQuiet, Double(context.countHour), usual))
        func consider(_ score: Double, _ signal: Signal) {
            if score > count.score { count = (score, signal) }
        }
        consider(unit(Double(context.countMinute - 2) / 4), Signal(.velocityMinute, Double(context.countMinute), usual))
        let expectedHour = max(usual / 24 * 4, 3)
        consider(
            unit((Double(context.countHour) - expectedHour - 1) / 8),
            Signal(.velocityHour, Double(context.countHour), usual))
        let expectedDay = max(usual * 2.5, 10)
        consider(unit((Double(context.countDay) - expectedDay) / 15), Signal(.velocityDay, Double(context.countDay), usual))

        let usualDailySpend = max(context.typicalAmount * max(usual, 1), 100)
        let spendScore = unit((context.spendDay / usualDailySpend - 4) / 8)
        let spend = Signal(.spendDay, context.spendDay, usualDailySpend)

        features[.count1mLog] = logCount(context.countMinute)
        features[.count1hLog] = logCount(context.countHour)
        features[.count24hLog] = logCount(context.countDay)
        features[.spend24hLogRatio] = Float(log(max(context.spendDay, 0.01) / usualDailySpend))

        if spendScore > count.score {
            return FactorOutcome(score: Float(spendScore), primary: spend, secondary: count.score > 0 ? count.signal : .none)
        }
        return FactorOutcome(score: Float(count.score), primary: count.signal, secondary: spendScore > 0 ? spend : .none)
    }
}
