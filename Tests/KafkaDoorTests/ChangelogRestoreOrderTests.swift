import RDKafka
import StreamifyWire
import Foundation
import Testing
import ScoringEngine
import ScoringModel
@testable import KafkaDoor

extension KafkaClusterTests {
    /// A card's changelog record sent again after a failed delivery can land behind a newer
    /// record of the same card; a restore keeps the newer one, whatever the order it reads them in.
    /// A card whose record never landed is not taken as applied because another card's later
    /// record did: its messages are scored.
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

        @Test("a card whose changelog record is missing has its messages scored, not skipped", .timeLimit(.minutes(2)))
        func cardWithoutRecordIsScored() async throws {
            let cluster = try KafkaMockCluster(brokers: 1)
            for topic in ["sales", "alerts", "analytics", "scores", "sales.dlq", "sales.changelog"] {
                try cluster.createTopic(topic, partitions: 1)
            }
            // Offsets 0, 1 and 3 are card x's, 2 is card y's. The old owner's record of x as of
            // offset 3 reached the changelog; its record of y as of offset 2 did not.
            let cards = ["card-x", "card-x", "card-y", "card-x"]
            var transactions = WorldTransactions.make(count: cards.count, seed: 9, cards: 1, fraudRate: 0)
            for index in transactions.indices { transactions[index].cardID = cards[index] }
            try TestTopics.produce(
                bootstrap: cluster.bootstrapServers, topic: "sales",
                transactions.map { (Array($0.cardID.utf8), WireCodec.encode($0)) })
            let engine = RiskEngine()
            let x = EntityKey("card-x", key: engine.configuration.fingerprintKey)
            let y = EntityKey("card-y", key: engine.configuration.fingerprintKey)
            var state = CardState(key: x.rawValue, firstSeen: 1_000)
            state.transactionCount = 3
            var bytes: [UInt8] = []
            CardChangelogRecord(card: state, offset: 3, decision: nil).encode(into: &bytes)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales.changelog", [(Array("card-x".utf8), bytes)])

            let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "restore-missing")
            let harness = KafkaDoorHarness(configuration: configuration, engine: engine)
            #expect(try await harness.wait(seconds: 60) { $0.consumed == cards.count && $0.scored + $0.alreadyApplied == cards.count })
            try await harness.stopGracefully()
            let statistics = harness.sidecar.statistics
            #expect(statistics.restoredCards == 1)
            #expect(statistics.scored == 1, "card y's transaction was skipped with card x's")
            #expect(statistics.alreadyApplied == 3)
            #expect(engine.cards.snapshot(y)?.transactionCount == 1)
            #expect(engine.cards.snapshot(x)?.transactionCount == 3, "card x's transactions were applied again")
        }
    }
}
