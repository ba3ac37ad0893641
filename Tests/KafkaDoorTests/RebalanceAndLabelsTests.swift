import Foundation
import Testing
import ScoringModel
import StreamifyWire
@testable import KafkaDoor

extension KafkaClusterTests {
    /// Group behaviour on the mock cluster: a second instance joining mid-stream, and feedback
    /// from the labels topic changing later scores.
    @Suite(.serialized) struct RebalanceAndLabelsTests {
        @Test(.timeLimit(.minutes(3))) func secondInstanceJoiningMidStreamLosesNothing() async throws {
            let cluster = try MockClusterIntegrationTests.cluster()
            let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-rebalance")
            // Small enough that no output partition exceeds the mock broker's ~5 MB retention.
            let input = TestInput.make(valid: 12_000, garbage: 10, invalid: 0, seed: 4)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)

            let first = KafkaDoorHarness(configuration: configuration)
            #expect(try await first.wait(seconds: 30) { $0.consumed > 2000 })
            let second = KafkaDoorHarness(configuration: configuration)
            #expect(try await second.wait(seconds: 45) { $0.assignments > 0 }, "the second instance should be given partitions")
            let committed = try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: MockClusterIntegrationTests.partitions, timeoutSeconds: 90)
            #expect(committed)
            try await first.stopGracefully()
            try await second.stopGracefully()
            let a = first.sidecar.statistics
            let b = second.sidecar.statistics
            print("rebalance run: first consumed \(a.consumed), second consumed \(b.consumed)")
            #expect(a.assignments >= 2, "the first instance should have been through a rebalance")
            // Nothing may be lost. Duplicates are possible: librdkafka's mock broker refuses offset
            // commits while the group rebalances (a real broker accepts them until the join completes),
            // so work done since the last accepted commit is consumed again by the new owner.
            let duplicates = try MockClusterIntegrationTests.verify(input, cluster: cluster, configuration: configuration)
            print("rebalance run: \(duplicates) duplicate score records")
        }

        @Test(.timeLimit(.minutes(2))) func feedbackFromLabelsTopicRaisesLaterScores() async throws {
            let cluster = try MockClusterIntegrationTests.cluster()
            try cluster.createTopic("labels", partitions: 1)
            var configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-labels")
            configuration.labelsTopic = "labels"
            let flagged = (0..<5).map { "card-\($0)" }
            let reported: Int64 = 1_735_000_000_000
            func transaction(_ id: String, card: String, at time: Int64) -> ([UInt8], [UInt8]) {
                let transaction = Transaction(
                    transactionID: id, cardID: card, merchantID: "m-1", amountMinor: 2500, currency: "USD",
                    eventTimeMs: time, location: GeoPoint(latitude: 40.7, longitude: -74), country: "US",
                    deviceID: "dev-\(card)", merchantCategory: "grocery", paymentMethod: "credit_card", channel: .online)
                return (Array(card.utf8), WireCodec.encode(transaction))
            }
            let harness = KafkaDoorHarness(configuration: configuration)

            // 1. Transactions of other cards move the engine's event clock past the reports' time
            //    (the engine applies a label only once its clock has reached the reported time).
            let warmUp = (0..<5).map { transaction("warm-\($0)", card: "card-\(200 + $0)", at: reported + 1_800_000) }
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", warmUp)
            #expect(try await harness.wait(seconds: 30) { $0.scored == warmUp.count })

            // 2. Fraud confirmed for five cards, plus one value that is not Feedback.
            var labels = flagged.map { card in
                (Array(card.utf8), WireCodec.encode(
                    Feedback(transactionID: "old-\(card)", cardID: card, label: .fraud, eventTimeMs: reported - 60_000,
                             reportedTimeMs: reported)))
            }
            labels.append((Array("x".utf8), Array("not feedback \u{0}".utf8)))
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "labels", labels)
            #expect(try await harness.wait(seconds: 30) { $0.feedback == flagged.count && $0.deadLettered == 1 })

            // 3. Ordinary transactions of the flagged cards and of two clean cards.
            let after = (flagged + ["card-100", "card-101"]).enumerated().map {
                transaction("after-\($0.offset)", card: $0.element, at: reported + 3_600_000)
            }
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", after)
            #expect(try await harness.wait(seconds: 30) { $0.scored == warmUp.count + after.count })
            #expect(try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: MockClusterIntegrationTests.partitions, timeoutSeconds: 30))
            try await harness.stopGracefully()

            let accounting = try Accounting.read(
                bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: MockClusterIntegrationTests.partitions)
            let levels = Dictionary(uniqueKeysWithValues: accounting.scores.map { ($0.breakdown.transactionID, $0.breakdown.level) })
            for index in flagged.indices {
                #expect(levels["after-\(index)"].map { $0 >= .high } == true, "card with confirmed fraud: \(String(describing: levels["after-\(index)"]))")
            }
            #expect(levels["after-5"].map { $0 < .high } == true, "a clean card stays below high")
            #expect(accounting.deadLetters.contains { $0.sourceTopic == "labels" })
        }
    }
}

typealias RebalanceAndLabelsTests = KafkaClusterTests.RebalanceAndLabelsTests
