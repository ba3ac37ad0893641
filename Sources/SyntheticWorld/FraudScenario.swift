/// The kinds of fraud the generator injects.
public enum FraudScenario: String, CaseIterable, Sendable, Codable, Hashable {
    /// Bursts of online micro-charges checking whether a stolen card number works.
    case cardTesting = "card_testing"
    /// A new device from a new country and IP spends large amounts.
    case accountTakeover = "account_takeover"
    /// Card-present use in two distant cities minutes apart (a cloned card).
    case impossibleTravel = "impossible_travel"
    /// Cards that shopped at a breached merchant are misused days later elsewhere.
    case compromisedMerchant = "compromised_merchant"
    /// A purchase 5-20 times the card's usual amount.
    case amountSpike = "amount_spike"
    /// Gift cards, crypto and wire transfers in bursts.
    case riskyPattern = "risky_pattern"
    /// Stolen card details open buy-now-pay-later plans at online shops in the cardholder's own
    /// city: ordinary amounts, a fresh browser behind a local proxy. Not in the standard world:
    /// it is the new pattern `loadgen evaluate` holds out of training (`--scenarios`, `ScenarioSchedule`).
    case buyNowPayLater = "bnpl_fraud"
    /// Terminal world: a terminal taken over (a bust-out merchant, a tampered reader); every
    /// transaction on it is fraud for weeks.
    case terminalCompromise = "terminal_compromise"
    /// Terminal world: a skimmed card; for two weeks a third of its purchases are fraud at five
    /// times its usual amount, at the terminals it always uses.
    case skimmedCard = "skimmed_card"
    /// Terminal world: a burst of large purchases between 1 and 5 a.m. at terminals far from the
    /// cardholder's home.
    case nightCashOut = "night_cash_out"
    /// Not generated: fraud in a user's own labelled history (`loadgen train --history`), kind unknown.
    case labelled = "labelled_fraud"

    /// The scenarios a world has unless told otherwise.
    public static let standard: [FraudScenario] = [
        .cardTesting, .accountTakeover, .impossibleTravel, .compromisedMerchant, .amountSpike, .riskyPattern,
    ]

    /// The scenarios of the city world (`World`, `TransactionStream`); the rest belong to the
    /// terminal world (`TerminalWorld`), which has its own mechanics.
    public static let cityWorld: [FraudScenario] = standard + [.buyNowPayLater]

    /// The scenarios of the terminal world.
    public static let terminalWorld: [FraudScenario] = [.terminalCompromise, .skimmedCard, .nightCashOut]

    /// How often each scenario starts in the city world, relative to the others (0: not of that world).
    public var startWeight: Double {
        switch self {
        case .cardTesting: 0.08
        case .accountTakeover: 0.14
        case .impossibleTravel: 0.22
        case .compromisedMerchant: 0.10
        case .amountSpike: 0.28
        case .riskyPattern: 0.18
        case .buyNowPayLater: 0.15
        case .terminalCompromise, .skimmedCard, .nightCashOut, .labelled: 0
        }
    }

    /// A dense code (1...) for compact label storage; 0 stands for legitimate.
    public var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)! + 1) }

    /// The scenario with this `code`; `nil` for 0 (legitimate) or a code no scenario has.
    public init?(code: UInt8) {
        guard code >= 1, Int(code) <= Self.allCases.count else { return nil }
        self = Self.allCases[Int(code) - 1]
    }
}
