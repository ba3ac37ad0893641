/// Pattern: risky categories and payment methods, card-testing micro amounts, round amounts,
/// an hour the card is never used at, confirmed fraud on the card (fading with time), and the
/// merchant's fraud rate among transactions whose outcome could be known.
enum PatternFactor {
    static func categoryRisk(_ category: MerchantCategory) -> Double {
        switch category {
        case .crypto: 0.5
        case .giftCards, .moneyTransfer: 0.45
        case .gambling: 0.4
        case .jewelry: 0.2
        case .electronics, .digitalGoods, .cash: 0.15
        default: 0
        }
    }

    static func methodRisk(_ method: PaymentMethod) -> Double {
        switch method {
        case .crypto: 0.5
        case .wireTransfer, .giftCard: 0.45
        case .prepaidCard: 0.3
        default: 0
        }
    }

    /// Amounts under this (minor units) away from a terminal look like card testing.
    static let microAmountMinor: Int64 = 200

    /// A merchant fraud rate (0...1) as a signal score: 10% or more is as bad as it gets.
    static func merchantRateScore(_ rate: Double) -> Double { unit((rate - 0.01) / 0.09) }

    /// Scores the factor against the card's state before the transaction, recording the raw
    /// features it looked at (its score is recorded by `RiskModel.assess`).
    static func evaluate(_ context: ScoringContext, into features: inout FeatureVector) -> FactorOutcome {
        let transaction = context.transaction
        let card = context.card
        var signals = TopSignals()

        features[FeatureVector.category(transaction.category)] = 1
        features[FeatureVector.method(transaction.paymentMethod)] = 1
        features[FeatureVector.channel(transaction.channel)] = 1
        let risk = context.merchantRisk
        features[.merchantFraudPercent7d] = Float(risk.week.rate * 100)
        features[.merchantFraudPercent30d] = Float(risk.month.rate * 100)
        let weekly = risk.week.rate >= risk.month.rate
        let chosen = weekly ? risk.week : risk.month
        signals.add(
            merchantRateScore(chosen.rate),
            Signal(weekly ? .merchantFraudWeek : .merchantFraudMonth, chosen.rate * 100,
                   Double(chosen.frauds), Double(chosen.transactions)))
        if context.cardFraudMark > 0 {
            features[.cardConfirmedFraud] = Float(context.cardFraudMark)
            let minutes = Double(context.seconds > card.confirmedFraudAt ? context.seconds - card.confirmedFraudAt : 0) / 60
            signals.add(context.cardFraudMark, Signal(.confirmedFraud, minutes))
        }
        signals.add(categoryRisk(transaction.category), Signal(.riskyCategory, Double(transaction.category.rawValue)))
        signals.add(methodRisk(transaction.paymentMethod), Signal(.riskyMethod, Double(transaction.paymentMethod.rawValue)))

        if transaction.amountMinor < microAmountMinor, !transaction.channel.isPhysical {
            let burst = Double(min(context.countMinute - 1, 3))
            signals.add(0.35 + 0.15 * burst, Signal(.microAmount, transaction.amountMajor, Double(context.countMinute)))
            features[.microAmount] = 1
        }
        if transaction.amountMinor >= 10_000, transaction.amountMinor % 10_000 == 0 {
            signals.add(0.15, Signal(.roundAmount, transaction.amountMajor))
            features[.roundAmount] = 1
        }
        let share = card.hourShare(context.localHour)
        if share.total >= 20, share.near * 100 < share.total * 3 {
            signals.add(0.3, Signal(.unusualHour, Double(context.localHour), Double(share.near * 100) / Double(share.total)))
            features[.unusualHour] = 1
        }
        return signals.outcome(otherwise: Signal(.noPattern))
    }
}
