import Foundation
import Testing
import ScoringModel
import StreamifyWire
@testable import KafkaDoor

extension KafkaClusterTests {
    /// A partition's card state moves with it: when an instance of a group dies, the instance its
    /// partitions move to reads their changelog back before consuming them, so every card keeps its
    /// history. The factors that depend on the card's history alone (velocity, geography) must then
    /// be exactly what one instance that saw everything computed.
    @Suite(.serialized) struct StateMoveTests {
        /// Each score record's card-history factors, by transaction id.
        static func cardFactors(_ accounting: Accounting) -> [(String, [FactorScore])] {
            accounting.scores.map { score in
                let factors = score.breakdown.factors
                    .filter { $0.factor == .velocity || $0.factor == .geographic }
                    .map { factor in FactorScore(factor: factor.factor, score: factor.score, weight: 0, contribution: 0, reason: factor.reason) }
                return (score.breakdown.transactionID, factors)
            }
        }

        @Test(.timeLimit(.minutes(3))) func killedInstancesCardsKeepTheirHistoryOnTheSurvivor() async throws {
            let input = TestInput.make(valid: 8000, garbage: 0, invalid: 0, seed: 6)
            let half = input.records.count / 2
            let partitions = MockClusterIntegrationTests.partitions

            // One instance that sees everything.
            let reference = try await KafkaDoorHarness.uninterruptedRun(
                input, on: try MockClusterIntegrationTests.cluster(), group: "alone", partitions: partitions)
            let expected = Dictionary(Self.cardFactors(reference), uniquingKeysWith: { first, _ in first })

            // Two instances share the first half; one dies; the survivor takes the second half alone.
            let cluster = try MockClusterIntegrationTests.cluster()
            let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "pair")
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", Array(input.records[..<half]))
            let doomed = KafkaDoorHarness(configuration: configuration)
            #expect(try await doomed.wait(seconds: 30) { $0.assignments > 0 })
            let survivor = KafkaDoorHarness(configuration: configuration)
            #expect(try await survivor.wait(seconds: 45) { $0.assignedPartitions > 0 && $0.assignedPartitions < partitions })
            #expect(
                try await TestTopics.waitUntilFullyCommitted(
                    bootstrap: cluster.bootstrapServers, group: "pair", topic: "sales", partitions: partitions, timeoutSeconds: 60))
            #expect(try await doomed.wait(seconds: 30) { $0.assignedPartitions > 0 }, "both instances should own cards when one dies")
            try await doomed.crash()
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", Array(input.records[half...]))
            #expect(
                try await TestTopics.waitUntilFullyCommitted(
                    bootstrap: cluster.bootstrapServers, group: "pair", topic: "sales", partitions: partitions, timeoutSeconds: 90))
            try await survivor.stopGracefully()
            let statistics = survivor.sidecar.statistics
            print("state move: the survivor took in \(statistics.restoredCards) card states; statistics \(statistics)")
            #expect(statistics.assignedPartitions == 0 && statistics.restoredCards > 0)

            let accounting = try Accounting.read(bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: partitions)
            let scored = Self.cardFactors(accounting)
            #expect(Set(scored.map(\.0)) == input.validIDs)
            let differing = scored.filter { expected[$0.0] != $0.1 }.map(\.0)
            #expect(differing.count == 0, "\(differing.count) of \(scored.count) score records differ, first \(differing.prefix(3))")
        }
    }
}

typealias StateMoveTests = KafkaClusterTests.StateMoveTests
