import StreamifyWire
import SyntheticWorld
import ArgumentParser
import Foundation

/// Options shaping the synthetic world (shared by `run` and `generate`).
struct WorldOptions: ParsableArguments {
    @Option(help: "Seed of the synthetic world; the same seed gives the same transactions.")
    var seed: UInt64 = 42

    @Option(help: "Cards in the population (default: enough for about two transactions per card per simulated day).")
    var cards: Int?

    @Option(help: "Merchants in the world (default: one per ten cards, at least 2,000).")
    var merchants: Int?

    @Option(help: "Share of transactions that are fraud (ground truth), 0...0.5.")
    var fraudRate: Double = 0.01

    @Option(
        help: ArgumentHelp(
            "Fraud scenarios that happen, comma-separated: names, 'standard' (the six classic ones) or 'all'; NAME@7d starts one on day 7.",
            discussion: "bnpl_fraud (buy-now-pay-later with stolen card details) is only in 'all' or when named.",
            valueName: "list"))
    var scenarios: String = "standard"

    @Option(
        help: "Simulated seconds per wall-clock second (3600: an hour of traffic per second). Closed loop (--max) paces event time as if at 2,000 transactions/s.")
    var speedup: Double = 3_600

    @Option(help: "Event time of the first transaction (ISO 8601, UTC).")
    var start: String = "2026-01-01T00:00:00Z"

    @Option(help: "Send a Feedback (chargeback) for each fraud once this much event time has passed (e.g. 7d).")
    var feedbackDelay: String?

    @Flag(help: "With --feedback-delay, also confirm legitimate transactions.")
    var feedbackLegitimate = false

    func validate() throws {
        guard (cards ?? 1) >= 1, (merchants ?? 1) >= 1 else { throw ValidationError("--cards and --merchants must be at least 1") }
        guard (0...0.5).contains(fraudRate) else { throw ValidationError("--fraud-rate must be within 0...0.5") }
        guard speedup > 0 else { throw ValidationError("--speedup must be positive") }
        _ = try startTimeMs()
        do { _ = try ScenarioSchedule(parsing: scenarios) } catch { throw ValidationError("--scenarios: \(error)") }
        if let feedbackDelay { _ = try DurationText.parseSeconds(feedbackDelay) }
    }

    func startTimeMs() throws -> Int64 {
        guard let date = ISO8601DateFormatter().date(from: start) else {
            throw ValidationError("--start must be an ISO 8601 time such as 2026-01-01T00:00:00Z")
        }
        let ms = Int64(date.timeIntervalSince1970 * 1000)
        guard (946_684_800_000..<4_000_000_000_000).contains(ms) else {
            throw ValidationError("--start must be between 2000 and 2096 (the daemon accepts 2000...2100)")
        }
        return ms
    }

    /// Cards for about `perDay` transactions per card per simulated day at this pace, within
    /// 1,000...1,000,000 (a million cards take about 0.5 GB and a second to build).
    static func defaultCardCount(transactionsPerSecond: Double, speedup: Double, perDay: Double = 2) -> Int {
        let transactionsPerSimulatedDay = transactionsPerSecond / speedup * 86_400
        return Int(min(max((transactionsPerSimulatedDay / perDay).rounded(), 1_000), 1_000_000))
    }

    /// The world configuration, paced for `transactionsPerSecond`.
    func configuration(transactionsPerSecond: Double) throws -> WorldConfiguration {
        let cardCount = cards ?? Self.defaultCardCount(transactionsPerSecond: transactionsPerSecond, speedup: speedup)
        return WorldConfiguration(
            seed: seed, cardCount: cardCount, merchantCount: merchants ?? max(2_000, cardCount / 10),
            fraudRate: fraudRate, speedup: speedup,
            transactionsPerSecond: transactionsPerSecond, startTimeMs: try startTimeMs(),
            feedbackDelayMs: try feedbackDelay.map { Int64(try DurationText.parseSeconds($0) * 1000) },
            scenarios: try ScenarioSchedule(parsing: scenarios), feedbackForLegitimate: feedbackLegitimate)
    }
}
