/// Everything that shapes the synthetic world and its traffic. Same configuration, same stream.
public struct WorldConfiguration: Sendable, Hashable, Codable {
    /// Seeds every random choice of the world and its stream.
    public var seed: UInt64 = 42
    /// Cards in the world (at least one is made).
    public var cardCount: Int = 20_000
    /// Merchants in the world (at least one is made).
    public var merchantCount: Int = 4_000
    /// Share of transactions that are fraud (ground truth), 0...1.
    public var fraudRate: Double = 0.01
    /// Simulated seconds per wall-clock second.
    public var speedup: Double = 3_600
    /// Transactions per wall-clock second the stream is paced for; with `speedup` it sets how
    /// much simulated time passes between transactions.
    public var transactionsPerSecond: Double = 2_000
    /// Unix milliseconds of the first event.
    public var startTimeMs: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    /// Event time after which a fraud's `Feedback` (a chargeback) is sent; `nil` sends none.
    public var feedbackDelayMs: Int64? = nil
    /// The fraud scenarios that happen, and from when.
    public var scenarios: ScenarioSchedule = .standard
    /// Also send `Feedback` for legitimate transactions (confirmed good), after the same delay.
    public var feedbackForLegitimate: Bool = false

    /// Creates a value with every field given.
    public init(
        seed: UInt64 = 42, cardCount: Int = 20_000, merchantCount: Int = 4_000, fraudRate: Double = 0.01,
        speedup: Double = 3_600, transactionsPerSecond: Double = 2_000, startTimeMs: Int64 = 1_767_225_600_000,
        feedbackDelayMs: Int64? = nil, scenarios: ScenarioSchedule = .standard, feedbackForLegitimate: Bool = false
    ) {
        self.seed = seed
        self.cardCount = cardCount
        self.merchantCount = merchantCount
        self.fraudRate = fraudRate
        self.speedup = speedup
        self.transactionsPerSecond = transactionsPerSecond
        self.startTimeMs = startTimeMs
        self.feedbackDelayMs = feedbackDelayMs
        self.scenarios = scenarios
        self.feedbackForLegitimate = feedbackForLegitimate
    }

    /// Mean simulated time between two transactions, in milliseconds.
    public var meanInterArrivalMs: Double {
        speedup / transactionsPerSecond * 1000
    }
}

extension WorldConfiguration {
    /// Where a demo play's event time starts: the wall clock, or a second past the scoring
    /// engine's event clock (`eventClockMs`, nil before any event) when that is ahead, as an
    /// earlier play at a minute a second leaves it, or a state directory from one. Its
    /// transactions then move the clock on, rather than arriving behind it and leaving outcome
    /// maturity, label release and housekeeping stalled until they catch up.
    public static func demoStartMs(wallClockMs: Int64, eventClockMs: Int64?) -> Int64 {
        guard let eventClockMs else { return wallClockMs }
        return max(wallClockMs, eventClockMs + 1_000)
    }

    /// The world the built-in demo loads play (the dashboard's and the embedded Kafka feed's):
    /// 10,000 cards, 2,000 merchants, 2 % fraud, outcomes reported, event time starting at
    /// `startMs` and running a minute per second at `rate` transactions per second.
    public static func demo(rate: Int, startMs: Int64) -> WorldConfiguration {
        WorldConfiguration(
            seed: UInt64(startMs), cardCount: 10_000, merchantCount: 2_000, fraudRate: 0.02, speedup: 60,
            transactionsPerSecond: Double(max(rate, 1)), startTimeMs: startMs)
    }
}
