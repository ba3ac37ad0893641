/// Velocity: bursts of transactions and spend in the 1 min, 1 h and 24 h windows against the card's norm.
enum VelocityFactor {
    static func evaluate(_ context: ScoringContext) -> FactorOutcome {
        let usual = context.usualPerDay
        var signals = TopSignals()

        signals.add(unit(Double(context.countMinute - 2) / 4), Signal(.velocityMinute, Double(context.countMinute), usual))

        let expectedHour = max(usual / 24 * 4, 3)
        signals.add(
            unit((Double(context.countHour) - expectedHour - 1) / 8),
            Signal(.velocityHour, Double(context.countHour), usual))

        let expectedDay = max(usual * 2.5, 10)
        signals.add(
            unit((Double(context.countDay) - expectedDay) / 15), Signal(.velocityDay, Double(context.countDay), usual))

        let usualDailySpend = max(context.typicalAmount * max(usual, 1), 100)
        signals.add(
            unit((context.spendDay / usualDailySpend - 4) / 8),
            Signal(.spendDay, context.spendDay, usualDailySpend))

        // Burst signals overlap (a minute burst is also an hour burst): report the strongest, not their union.
        let outcome = signals.outcome(otherwise: Signal(.velocityQuiet, Double(context.countHour), usual))
        return FactorOutcome(score: Float(signals.first.score), primary: outcome.primary, secondary: outcome.secondary)
    }
}
