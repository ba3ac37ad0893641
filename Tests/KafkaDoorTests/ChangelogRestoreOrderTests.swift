import RDKafka
import Foundation
import Testing
import ScoringEngine
import ScoringModel
@testable import KafkaDoor

extension KafkaClusterTests {
    /// A card's changelog record sent again after a failed delivery can land behind a newer
    /// record of the same card; a restore keeps the newer one, whatever the order it reads them in.
    @Suite(.serialized) struct ChangelogRestoreOrderTests {
        @Test("a restore adopts a card's newest state, not the one it reads last", .timeLimit(.minutes(2)))
        func newestStateWins() async throws {
            let cluster = try KafkaMockCluster(brokers: 1)
            for topic in ["sales", "alerts", "analytics", "scores", "sales.dlq", "sales.changelog"] {
                try cluster.createTopic(topic, partitions: 1)
            }
            let engine = RiskEngine()
            let cardID = "card-x"
            let card = EntityKey(cardID, key: engine.configuration.fingerprintKey)
            func record(transactions: UInt32, offset: Int64) -> [UInt8] {
                var state = CardState(key: card.rawValue, firstSeen: 1_000)
                state.transactionCount = transactions
                var bytes: [UInt8] = []
                CardChangelogRecord(card: state, offset: offset, decision: nil).encode(into: &bytes)
                return bytes
            }
            // The record of offset 12, then the one of offset 10 delivered again behind it.
            try TestTopics.produce(
                bootstrap: cluster.bootstrapServers, topic: "sales.changelog",
                [(Array(cardID.utf8), record(transactions: 12, offset: 12)), (Array(cardID.utf8), record(transactions: 10, offset: 10))])

            let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "restore-order")
            let harness = KafkaDoorHarness(configuration: configuration, engine: engine)
            #expect(try await harness.wait(seconds: 60) { $0.restoredCards >= 1 }, "the partition was never restored")
            try await harness.stopGracefully()
            #expect(harness.sidecar.statistics.restoredCards == 1, "the older record was not adopted over the newer")
            #expect(engine.cards.snapshot(card)?.transactionCount == 12)
        }
    }
}
