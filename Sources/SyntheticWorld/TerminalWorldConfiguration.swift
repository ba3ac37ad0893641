/// Everything that shapes the terminal world and its traffic. Same configuration, same stream.
public struct TerminalWorldConfiguration: Sendable, Hashable, Codable {
    /// Seeds every random choice of the world and its stream.
    public var seed: UInt64 = 42
    /// Cardholders.
    public var customerCount: Int = 5_000
    /// Payment terminals (each its own merchant id).
    public var terminalCount: Int = 10_000
    /// Unix milliseconds of the first day's midnight (UTC).
    public var startTimeMs: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    /// Event time after which a fraud's `Feedback` is sent; `nil` sends none.
    public var feedbackDelayMs: Int64? = 7 * 86_400_000
    /// Terminals taken over each day, and for how many days each stays compromised.
    public var compromisedTerminalsPerDay: Int = 2
    public var terminalCompromiseDays: Int = 28
    /// Cards skimmed each day, and for how many days each is misused.
    public var skimmedCardsPerDay: Int = 3
    public var skimmedCardDays: Int = 14
    /// Night cash-out bursts each day.
    public var nightCashOutsPerDay: Int = 2

    /// Creates a value with every field given.
    public init(
        seed: UInt64 = 42, customerCount: Int = 5_000, terminalCount: Int = 10_000,
        startTimeMs: Int64 = 1_767_225_600_000, feedbackDelayMs: Int64? = 7 * 86_400_000,
        compromisedTerminalsPerDay: Int = 2, terminalCompromiseDays: Int = 28,
        skimmedCardsPerDay: Int = 3, skimmedCardDays: Int = 14, nightCashOutsPerDay: Int = 2
    ) {
        self.seed = seed
        self.customerCount = customerCount
        self.terminalCount = terminalCount
        self.startTimeMs = startTimeMs
        self.feedbackDelayMs = feedbackDelayMs
        self.compromisedTerminalsPerDay = compromisedTerminalsPerDay
        self.terminalCompromiseDays = terminalCompromiseDays
        self.skimmedCardsPerDay = skimmedCardsPerDay
        self.skimmedCardDays = skimmedCardDays
        self.nightCashOutsPerDay = nightCashOutsPerDay
    }
}
