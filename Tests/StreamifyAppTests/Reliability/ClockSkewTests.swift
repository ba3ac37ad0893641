import Foundation
import ScoringClient
import ScoringModel
import StreamifyApp
import StreamifyWire
import Testing

/// Reliability: one far-future timestamp must not move the clock that expires state.
@Suite("Reliability: a sane event clock")
struct ClockSkewTests {
    static let start: Int64 = 1_793_628_000_000

    static func transaction(_ index: Int, card: String, at timeMs: Int64) -> Transaction {
        Transaction(
            transactionID: "skew-\(index)", cardID: card, merchantID: "merchant-\(index % 7)", amountMinor: 2_500,
            currency: "USD", eventTimeMs: timeMs, location: GeoPoint(latitude: 51.5, longitude: -0.12), country: "GB",
            deviceID: "device-\(card)", merchantCategory: "5411", paymentMethod: "credit_card", channel: .cardPresent)
    }

    @Test("64 transactions dated 2099 are refused on event_time_ms; state and a fraud mark survive")
    func farFutureRefused() async throws {
        let running = try await RunningApplication.start()
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let cards = 300
        for index in 0..<cards {
            _ = try await client.score(Self.transaction(index, card: "card-\(index)", at: Self.start + Int64(index) * 1_000))
        }
        try await client.send(
            Feedback(
                transactionID: "skew-0", cardID: "card-0", label: .fraud, eventTimeMs: Self.start,
                reportedTimeMs: Self.start + 1_000))
        let engine = running.application.scoring.engine
        #expect(engine.cardsTracked == cards)

        let year2099: Int64 = 4_070_908_800_000
        for index in 0..<64 {
            let refused = await #expect(throws: WireError.self) {
                _ = try await client.score(Self.transaction(10_000 + index, card: "future-\(index)", at: year2099 + Int64(index)))
            }
            #expect(refused?.code == .invalidArgument)
            #expect(refused?.field == "event_time_ms")
        }
        // A future-dated label is refused too, not held forever.
        try await client.send(
            Feedback(transactionID: "skew-1", cardID: "card-1", label: .fraud, eventTimeMs: Self.start, reportedTimeMs: year2099))
        #expect(engine.pendingLabelCount == 0)

        // The clock did not move: nothing expired, and card-0 still carries its fraud mark.
        _ = try await client.score(Self.transaction(20_000, card: "card-x", at: Self.start + Int64(cards) * 1_000 + 3_600_000 + 1))
        #expect(engine.cardsTracked == cards + 1)
        let marked = try await client.score(Self.transaction(20_001, card: "card-0", at: Self.start + Int64(cards) * 1_000 + 3_600_000 + 2))
        #expect(marked.level >= .high)
        #expect(engine.eventClock < EventTime.seconds(fromUnixMs: year2099))

        try await client.close()
        try await running.stop()
    }

    @Test("within the skew, ahead of the wall clock, and history behind it are all accepted")
    func plausibleTimesAccepted() async throws {
        let engine = RiskEngine(configuration: EngineConfiguration(maximumClockSkewSeconds: 3_600))
        let now = EventTime.seconds(fromUnixMs: Int64(Date().timeIntervalSince1970 * 1000))
        #expect(engine.admits(eventSeconds: now + 3_000), "a client clock a little ahead")
        #expect(!engine.admits(eventSeconds: now + 7_200))
        #expect(engine.admits(eventSeconds: now - 400 * 86_400), "a replay of last year")
        // Once the event clock runs ahead of the wall clock (a simulated future), it is the reference.
        let ahead = now + 30 * 86_400
        _ = engine.score(
            TransactionFeatures(
                card: EntityKey("c"), merchant: EntityKey("m"), amountMinor: 100,
                eventTimeMs: EventTime.unixMs(fromSeconds: ahead - 1_000)))
        #expect(engine.admits(eventSeconds: ahead))
        #expect(!engine.admits(eventSeconds: ahead + 3_600))
        #expect(RiskEngine(configuration: EngineConfiguration(maximumClockSkewSeconds: 0)).admits(eventSeconds: .max))
    }
}
