import Foundation
import Logging
import RDKafka
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StreamifyWire
import Testing
@testable import KafkaDoor

extension KafkaClusterTests {
    /// Kafka mode with a state directory: the input offsets are part of the state. A crash after
    /// messages were applied and journalled but before their offsets reached Kafka makes the restart
    /// read them again; they must not be applied to the state a second time, and their outputs must
    /// still go out. Every score record of the interrupted run equals an uninterrupted run's.
    @Suite(.serialized) struct DurableInputStateTests {
        static let topics = ["sales", "alerts", "analytics", "scores", "sales.dlq", "sales.changelog"]

        static func cluster(brokers: Int = 1) throws -> KafkaMockCluster {
            let cluster = try KafkaMockCluster(brokers: brokers)
            // One partition: the order of the input is the order of scoring, so two runs compare exactly.
            for topic in topics { try cluster.createTopic(topic, partitions: 1) }
            return cluster
        }

        /// Each transaction's breakdown without the time it took, which differs from run to run.
        static func breakdowns(_ accounting: Accounting) -> [(String, RiskBreakdown)] {
            accounting.scores.map { score in
                var breakdown = score.breakdown
                breakdown.serverTimeMicroseconds = 0
                return (breakdown.transactionID, breakdown)
            }
        }

        /// Checks that every input was scored or dead-lettered, and every score record (duplicates
        /// included) equals `expected`'s for its transaction.
        static func expectSameScores(
            as expected: [String: RiskBreakdown], in cluster: KafkaMockCluster, configuration: KafkaDoorConfiguration,
            input: TestInput
        ) throws {
            let accounting = try Accounting.read(bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: 1)
            let scored = breakdowns(accounting)
            #expect(Set(scored.map(\.0)) == input.validIDs)
            let differing = scored.filter { expected[$0.0] != $0.1 }.map(\.0)
            #expect(differing.count == 0, "\(differing.count) of \(scored.count) score records differ, first \(differing.prefix(3))")
            #expect(accounting.alertProblems(level: .medium).isEmpty)
            #expect(accounting.uniqueDeadLetters == input.invalidCount)
        }

        static func open(_ directory: URL) throws -> (ScoringService, EngineStateStore.Loaded) {
            var logger = Logger(label: "durable-input-test")
            logger.logLevel = .warning
            let store = try EngineStateStore(directory: directory.path, logger: logger)
            let (engine, durability, loaded) = try store.open(configuration: EngineConfiguration(), model: .builtIn)
            return (ScoringService(engine: engine, durability: durability), loaded)
        }

        /// How the restarted instance finds its state.
        enum Restart: String, CaseIterable, CustomTestStringConvertible {
            /// Replaying the journal the crashed instance left.
            case fromJournal
            /// From a snapshot compacted from that journal (the input ledger written and read back).
            case fromSnapshot

            var testDescription: String { rawValue }
        }

        @Test(.timeLimit(.minutes(3)), arguments: Restart.allCases)
        func crashAfterJournallingBeforeCommittingAppliesNothingTwice(restart: Restart) async throws {
            let input = TestInput.make(valid: 6000, garbage: 12, invalid: 6, seed: 4)

            // The uninterrupted run, in memory.
            let referenceEngine = RiskEngine()
            let reference = try await KafkaDoorHarness.uninterruptedRun(
                input, on: try Self.cluster(), group: "reference", partitions: 1, engine: referenceEngine)
            let expected = Dictionary(Self.breakdowns(reference), uniquingKeysWith: { first, _ in first })
            #expect(expected.count == input.validIDs.count)

            // The interrupted run: every offset commit fails, so Kafka's committed offset lags what
            // the state (and its journal) has taken in when the crash comes after the first half.
            // The outputs' broker answers slowly, so some outputs are still unacknowledged, with
            // their state changes journalled, when the crash comes: the restart must send them.
            let cluster = try Self.cluster(brokers: 2)
            for topic in Self.topics where topic != "sales" { cluster.setPartitionLeader(topic, partition: 0, broker: 2) }
            cluster.setPartitionLeader("sales", partition: 0, broker: 1)
            cluster.setGroupCoordinator("durable", broker: 1)
            cluster.setRoundTripTime(2, milliseconds: 300)
            let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "durable")
            let half = input.records.count / 2
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", Array(input.records[..<half]))
            let directory = try makeDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (firstService, _) = try Self.open(directory)
            cluster.pushRequestErrors(apiKey: 8 /* OffsetCommit */, errors: Array(repeating: 15 /* COORDINATOR_NOT_AVAILABLE */, count: 100_000))
            let first = KafkaDoorHarness(configuration: configuration, scoring: firstService)
            #expect(try await first.wait(seconds: 60) { $0.consumed == half && $0.commits > 0 })
            try await first.crash()
            cluster.clearRequestErrors(apiKey: 8)
            cluster.setRoundTripTime(2, milliseconds: 0)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", Array(input.records[half...]))
            let progress = try TestTopics.progress(bootstrap: cluster.bootstrapServers, group: "durable", topic: "sales", partitions: 1)
            let applied = try #require(firstService.inputs.appliedThrough(InputPartition(name: "sales", partition: 0)))
            print("crashed: consumed \(first.sidecar.statistics.consumed), committed \(progress[0].committed), journalled through \(applied)")

            // As kill -9 leaves it: the files as they are, nothing flushed since the last commit round.
            let copy = try makeDirectory()
            defer { try? FileManager.default.removeItem(at: copy) }
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: copy.appendingPathComponent(name))
            }
            if restart == .fromSnapshot {
                let (service, _) = try Self.open(copy)
                let store = try EngineStateStore(directory: copy.path, logger: Logger(label: "compact"))
                try store.compact(durability: try #require(service.durability))
            }
            let (secondService, loaded) = try Self.open(copy)
            // Every start writes a snapshot when it finds none; from the compacted one there is
            // nothing left to replay.
            #expect((loaded.replay.records == 0) == (restart == .fromSnapshot), "\(loaded.replay.records) records replayed")
            let resumed = try #require(secondService.inputs.appliedThrough(InputPartition(name: "sales", partition: 0)))
            let undelivered = secondService.inputs.undeliveredCount
            #expect(resumed >= progress[0].committed, "the state holds at least what Kafka has committed")
            #expect(resumed == applied)

            let second = KafkaDoorHarness(configuration: configuration, scoring: secondService)
            #expect(
                try await TestTopics.waitUntilFullyCommitted(
                    bootstrap: cluster.bootstrapServers, group: "durable", topic: "sales", partitions: 1, timeoutSeconds: 90))
            try await second.stopGracefully()
            let statistics = second.sidecar.statistics
            print(
                "restart: \(statistics.alreadyApplied) values already in the state were read again and not scored again; "
                    + "outputs of \(statistics.resent) of them sent again (\(undelivered) kept undelivered)")
            #expect(statistics.alreadyApplied > 0, "the crash should leave applied offsets uncommitted")
            #expect(statistics.alreadyApplied <= Int(resumed) + 1)
            // Every outcome the state kept (its outputs unacknowledged at the crash) was sent again.
            #expect(statistics.resent == undelivered)

            try Self.expectSameScores(as: expected, in: cluster, configuration: configuration, input: input)
            // A card's record written again while outputs are resent carries the decision too: the
            // instance the partition moves to next can then send those outputs again as well.
            let changelog = try TestTopics.readAll(bootstrap: cluster.bootstrapServers, topic: "sales.changelog", partitions: 1)
            let withoutDecision = try changelog.filter { record in
                try record.value.withUnsafeBytes { try CardChangelogRecord.decode($0) }.decision == nil
            }
            #expect(withoutDecision.isEmpty, "\(withoutDecision.count) of \(changelog.count) changelog records carry no decision")
            #expect(secondService.engine.cardsTracked == referenceEngine.cardsTracked)
            #expect(secondService.engine.learner.updateCount == referenceEngine.learner.updateCount)
            #expect(secondService.inputs.appliedThrough(InputPartition(name: "sales", partition: 0)) == Int64(input.records.count - 1))
            #expect(secondService.inputs.undeliveredCount == 0, "everything delivered and committed at a graceful stop")
        }

        /// A state journal that cannot be written is the daemon's failure, not the input's: the
        /// door waits, dead-letters nothing, and takes everything in once the disk has room.
        @Test(.timeLimit(.minutes(3))) func unwritableJournalHoldsInputBack() async throws {
            let cluster = try Self.cluster()
            var configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "durable-disk-full")
            configuration.batchSize = 100
            let input = TestInput.make(valid: 3_000, garbage: 0, invalid: 0, seed: 6)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
            let directory = try makeDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (service, _) = try Self.open(directory)
            let disk = try FullDisk(directory: directory.path, prefix: "journal-")
            try disk.fill()
            let harness = KafkaDoorHarness(configuration: configuration, scoring: service)
            #expect(try await harness.wait(seconds: 30) { $0.consumed > 0 })
            // Refused while the disk is full: held, not dead-lettered. Watched for two seconds.
            for _ in 0..<20 {
                let statistics = harness.sidecar.statistics
                #expect(statistics.deadLettered == 0)
                #expect(statistics.scored < input.records.count, "everything scored while the journal could not be written")
                try await Task.sleep(for: .milliseconds(100))
            }
            try disk.free()
            let statistics = try await MockClusterIntegrationTests.finish(harness, on: cluster, configuration: configuration, partitions: 1)
            #expect(statistics.deadLettered == 0)
            let accounting = try Accounting.read(bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: 1)
            #expect(Set(accounting.scores.map(\.breakdown.transactionID)) == input.validIDs)
            #expect(accounting.deadLetters.isEmpty)
        }

        /// A card state adopted from the changelog covers that card's messages alone, after a
        /// restart as before it: the ledger keeps it per card, in the journal and in a snapshot.
        @Test(arguments: Restart.allCases)
        func adoptedCardsSurviveARestart(restart: Restart) throws {
            let directory = try makeDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let sales = InputPartition(name: "sales", partition: 0)
            let (first, _) = try Self.open(directory)
            let card = EntityKey("card-x", key: first.engine.configuration.fingerprintKey)
            var state = CardState(key: card.rawValue, firstSeen: 1_000)
            state.transactionCount = 4
            let adoption = Array("card-x".utf8).withUnsafeBytes { cardID in
                first.adopt(state, cardID: cardID, at: InputPosition(sales, offset: 7), outcome: nil)
            }
            #expect(adoption == .adopted)
            #expect(first.commitJournal())
            if restart == .fromSnapshot {
                let store = try EngineStateStore(directory: directory.path, logger: Logger(label: "compact"))
                try store.compact(durability: try #require(first.durability))
            }
            let (second, _) = try Self.open(directory)
            #expect(second.inputs.appliedThrough(sales) == -1, "no other card's message is taken as applied")
            #expect(second.inputs.adoptedAhead(sales) == [card.rawValue: 7])
            #expect(second.engine.cards.snapshot(card)?.transactionCount == 4)
        }

        private func makeDirectory() throws -> URL {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-state-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory
        }
    }
}

typealias DurableInputStateTests = KafkaClusterTests.DurableInputStateTests
