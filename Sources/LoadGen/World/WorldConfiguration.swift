/// Everything that shapes the synthetic world and its traffic. Same configuration, same stream.
struct WorldConfiguration: Sendable, Hashable, Codable {
    var seed: UInt64 = 42
    var cardCount: Int = 20_000
    var merchantCount: Int = 4_000
    /// Share of transactions that are fraud (ground truth), 0...1.
    var fraudRate: Double = 0.01
    /// Simulated seconds per wall-clock second.
    var speedup: Double = 3_600
    /// Transactions per wall-clock second the stream is paced for; with `speedup` it sets how
    /// much simulated time passes between transactions.
    var transactionsPerSecond: Double = 2_000
    /// Unix milliseconds of the first event.
    var startTimeMs: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    /// Event time after which a fraud's `Feedback` (a chargeback) is sent; `nil` sends none.
    var feedbackDelayMs: Int64? = nil
    /// The fraud scenarios that happen, and from when.
    var scenarios: ScenarioSchedule = .standard
    /// Also send `Feedback` for legitimate transactions (confirmed good), after the same delay.
    var feedbackForLegitimate: Bool = false

    /// Mean simulated time between two transactions, in milliseconds.
    var meanInterArrivalMs: Double {
        speedup / transactionsPerSecond * 1000
    }
}
