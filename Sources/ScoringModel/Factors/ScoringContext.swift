#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the factors look at: the transaction, the card's state before it, and derived figures.
struct ScoringContext {
    let transaction: TransactionFeatures
    let card: CardState
    let seconds: UInt32
    /// Hour of day at the transaction's (or else the card's last known) longitude.
    let localHour: Int
    /// Other cards that used this device in the last 24 h.
    let otherCardsOnDevice: Int
    /// When confirmed fraud tied to this device was reported (0 = never).
    let deviceFraudAt: UInt32
    /// Other cards seen from this IP address in the last 24 h, and when fraud tied to it was reported.
    let otherCardsOnIP: Int
    let ipFraudAt: UInt32
    /// The merchant's recent fraud rates among transactions whose outcome could be known.
    let merchantRisk: MerchantRisk
    /// Confirmed fraud on the card, fading: 1 for `fraudHalfLifeSeconds` of event time after the
    /// report, then halving every `fraudHalfLifeSeconds` (never, when that is 0); 0 without one.
    let cardFraudMark: Double
    /// ln of the amount in major units (from a cent up): the amount factor's z and the card's
    /// spending profile both take it, computed once.
    let logAmount: Double
    /// Transactions the card had before this one.
    let priorCount: Int
    /// Window figures including this transaction.
    let countMinute: Int
    let countHour: Int
    let countDay: Int
    let spendDay: Double
    /// The card's long-run transactions per day (a population prior while the card is young).
    let usualPerDay: Double

    /// Transactions per day assumed for a card with too little history.
    static let populationPerDay = 2.0

    init(
        transaction: TransactionFeatures, card: CardState, otherCardsOnDevice: Int, deviceFraudAt: UInt32,
        otherCardsOnIP: Int = 0, ipFraudAt: UInt32 = 0, merchantRisk: MerchantRisk = .none, fraudHalfLifeSeconds: UInt32 = 0
    ) {
        self.transaction = transaction
        self.card = card
        self.otherCardsOnDevice = otherCardsOnDevice
        self.deviceFraudAt = deviceFraudAt
        self.otherCardsOnIP = otherCardsOnIP
        self.ipFraudAt = ipFraudAt
        self.merchantRisk = merchantRisk
        let seconds = transaction.eventSeconds
        self.seconds = seconds
        if card.confirmedFraudAt == 0 {
            self.cardFraudMark = 0
        } else if fraudHalfLifeSeconds == 0 || seconds <= card.confirmedFraudAt {
            self.cardFraudMark = 1
        } else {
            self.cardFraudMark = min(1, exp2(1 - Double(seconds - card.confirmedFraudAt) / Double(fraudHalfLifeSeconds)))
        }
        self.logAmount = log(max(transaction.amountMajor, 0.01))
        self.priorCount = Int(card.transactionCount)

        let longitude: Double? =
            transaction.hasLocation ? transaction.longitude : (card.lastLocatedAt != 0 ? Double(card.lastLongitude) : nil)
        let offsetHours = Int(((longitude ?? 0) / 15).rounded())
        self.localHour = ((Int(seconds / 3600) + offsetHours) % 24 + 24) % 24

        let minute = card.minuteWindow.totals(at: seconds, width: WindowWidth.minute)
        let hour = card.hourWindow.totals(at: seconds, width: WindowWidth.hour)
        let day = card.dayWindow.totals(at: seconds, width: WindowWidth.day)
        self.countMinute = minute.count + 1
        self.countHour = hour.count + 1
        self.countDay = day.count + 1
        self.spendDay = day.amount + transaction.amountMajor

        let ageDays = Double(seconds &- min(card.firstSeen, seconds)) / 86_400
        if priorCount >= 5, ageDays >= 1 {
            self.usualPerDay = Double(priorCount) / ageDays
        } else {
            self.usualPerDay = Self.populationPerDay
        }
    }

    /// The card's spending profile blended with the population's while it has little history.
    var profile: (mean: Double, deviation: Double) {
        let n = Double(priorCount)
        let k = AmountFactor.priorStrength
        let mean = (n * Double(card.logAmountMean) + k * AmountFactor.populationLogMean) / (n + k)
        let variance =
            (n * Double(card.logAmountVariance) + k * AmountFactor.populationLogDeviation * AmountFactor.populationLogDeviation)
            / (n + k)
        return (mean, max(variance.squareRoot(), AmountFactor.minimumLogDeviation))
    }

    /// The card's typical amount in major units (geometric mean of its profile).
    var typicalAmount: Double { exp(profile.mean) }
}

/// Clamps to 0...1.
@inline(__always)
func unit(_ value: Double) -> Double { min(max(value, 0), 1) }

/// Two independent signals as one score: `1 - (1 - a)(1 - b)`.
@inline(__always)
func either(_ a: Double, _ b: Double) -> Double { 1 - (1 - a) * (1 - b) }

/// Keeps the strongest two of several scored signals.
struct TopSignals {
    private(set) var first: (score: Double, signal: Signal) = (0, .none)
    private(set) var second: (score: Double, signal: Signal) = (0, .none)
    private(set) var combined: Double = 0

    mutating func add(_ score: Double, _ signal: Signal) {
        guard score > 0 else { return }
        combined = either(combined, score)
        if score > first.score {
            second = first
            first = (score, signal)
        } else if score > second.score {
            second = (score, signal)
        }
    }

    func outcome(otherwise quiet: Signal) -> FactorOutcome {
        first.score > 0
            ? FactorOutcome(score: Float(combined), primary: first.signal, secondary: second.signal)
            : FactorOutcome(score: 0, primary: quiet)
    }
}
