/// Pattern: risky categories and payment methods, card-testing micro amounts, round amounts,
/// an hour the card is never used at, and confirmed fraud on the card.
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

    static func evaluate(_ context: ScoringContext) -> FactorOutcome {
        let transaction = context.transaction
        let card = context.card
        var signals = TopSignals()

        if card.confirmedFraudAt != 0 {
            let minutes = Double(context.seconds > card.confirmedFraudAt ? context.seconds - card.confirmedFraudAt : 0) / 60
            signals.add(1, Signal(.confirmedFraud, minutes))
        }
        signals.add(categoryRisk(transaction.category), Signal(.riskyCategory, Double(transaction.category.rawValue)))
        signals.add(methodRisk(transaction.paymentMethod), Signal(.riskyMethod, Double(transaction.paymentMethod.rawValue)))

        if transaction.amountMinor < microAmountMinor, !transaction.channel.isPhysical {
            let burst = Double(min(context.countMinute - 1, 3))
            signals.add(0.35 + 0.15 * burst, Signal(.microAmount, transaction.amountMajor, Double(context.countMinute)))
        }
        if transaction.amountMinor >= 10_000, transaction.amountMinor % 10_000 == 0 {
            signals.add(0.15, Signal(.roundAmount, transaction.amountMajor))
        }
        let share = card.hourShare(context.localHour)
        if share.total >= 20, share.near * 100 < share.total * 3 {
            signals.add(0.3, Signal(.unusualHour, Double(context.localHour), Double(share.near * 100) / Double(share.total)))
        }
        return signals.outcome(otherwise: Signal(.noPattern))
    }
}
