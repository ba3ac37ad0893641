import Foundation
import ScoringClient
import ScoringModel
import StreamifyApp
import StreamifyWire
import Testing

/// Reliability: state is keyed by the deployment's secret key, and refused ids leave it alone.
@Suite("Reliability: keyed identities")
struct KeyedStateTests {
    static let start: Int64 = 1_793_628_000_000

    static func transaction(_ index: Int, card: String) -> Transaction {
        Transaction(
            transactionID: "keyed-\(index)", cardID: card, merchantID: "merchant-1", amountMinor: 2_500, currency: "USD",
            eventTimeMs: start + Int64(index) * 1_000, country: "GB", merchantCategory: "5411", paymentMethod: "credit_card")
    }

    @Test("cards are keyed under the configured key; crafted ids neither create nor touch state")
    func keyedUnderTheConfiguredKey() async throws {
        let secret = FingerprintKey.random()
        let running = try await RunningApplication.start { $0.engine.fingerprintKey = secret }
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let engine = running.application.scoring.engine
        for index in 0..<3 { _ = try await client.score(Self.transaction(index, card: "victim")) }

        #expect(engine.cards.snapshot(EntityKey("victim", key: secret)) != nil)
        // Under the published key (all an attacker could compute with) the card is not there.
        #expect(engine.cards.snapshot(EntityKey("victim")) == nil)

        for (index, card) in ["victim\0", "victim\0" + String(repeating: "z", count: 50), "\0victim"].enumerated() {
            await #expect(throws: WireError.self) { _ = try await client.score(Self.transaction(10 + index, card: card)) }
        }
        #expect(engine.cardsTracked == 1)
        try await client.close()
        try await running.stop()
    }
}
