import RDKafka
import Foundation
import Testing
import ScoringModel
import StreamifyWire
@testable import KafkaDoor

extension KafkaClusterTests {
    /// End-to-end runs on librdkafka's in-process mock cluster: every input must end up scored
    /// (and alerted when at or above the level) or dead-lettered, and fully committed.
    @Suite(.serialized) struct MockClusterIntegrationTests {
        static let partitions = 3

        static func configuration(bootstrap: String, group: String = "sidecar-test") -> KafkaDoorConfiguration {
            KafkaDoorConfiguration(
                brokers: bootstrap, inputTopic: "sales", alertTopic: "alerts", analyticsTopic: "analytics",
                scoresTopic: "scores", groupID: group, alertLevel: .medium, analyticsIntervalSeconds: 1,
                commitIntervalMs: 50)
        }

        static func cluster(brokers: Int = 1) throws -> KafkaMockCluster {
            let cluster = try KafkaMockCluster(brokers: brokers)
            for topic in ["sales", "alerts", "analytics", "scores", "sales.dlq", "sales.changelog"] {
                try cluster.createTopic(topic, partitions: partitions)
            }
            return cluster
        }

        /// Checks the accounting and returns the number of duplicate scores.
        static func verify(_ input: TestInput, cluster: KafkaMockCluster, configuration: KafkaDoorConfiguration) throws -> Int {
            let accounting = try Accounting.read(
                bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: partitions)
            let missing = input.validIDs.subtracting(accounting.scoredIDs)
            #expect(missing.isEmpty, "unscored: \(missing.prefix(5)) of \(missing.count)")
            #expect(accounting.scoredIDs.isSubset(of: input.validIDs))
            #expect(accounting.uniqueDeadLetters == input.invalidCount)
            #expect(accounting.deadLetters.allSatisfy { !$0.error.isEmpty && $0.sourceTopic == "sales" })
            let problems = accounting.alertProblems(level: .medium)
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            #expect(!accounting.alerts.isEmpty, "the synthetic input should raise some alerts")
            print(
                "accounting: inputs=\(input.records.count) scored=\(accounting.scoredIDs.count) score-records=\(accounting.scores.count)"
                    + " duplicates=\(accounting.duplicateScores) alerts=\(accounting.alerts.count)"
                    + " dead-letters=\(accounting.deadLetters.count) (unique \(accounting.uniqueDeadLetters))")
            return accounting.duplicateScores
        }

        /// Waits (90 s at most) until the group has committed every input, stops `harness`
        /// gracefully, and returns its statistics.
        static func finish(
            _ harness: KafkaDoorHarness, on cluster: KafkaMockCluster, configuration: KafkaDoorConfiguration,
            partitions: Int = partitions
        ) async throws -> KafkaDoorStatistics {
            let committed = try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: partitions, timeoutSeconds: 90)
            #expect(committed, "not every input was committed")
            try await harness.stopGracefully()
            return harness.sidecar.statistics
        }

        @Test(.timeLimit(.minutes(2))) func scoresAlertsAndDeadLettersEverything() async throws {
            let cluster = try Self.cluster()
            let configuration = Self.configuration(bootstrap: cluster.bootstrapServers)
            let input = TestInput.make(valid: 3000, garbage: 20, invalid: 10)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)

            let harness = KafkaDoorHarness(configuration: configuration)
            let committed = try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: Self.partitions, timeoutSeconds: 60)
            #expect(committed)
            try await Task.sleep(for: .milliseconds(1100))
            try await harness.stopGracefully()
            let statistics = harness.sidecar.statistics
            #expect(statistics.consumed == input.records.count)
            #expect(statistics.scored == input.validIDs.count)
            #expect(statistics.deadLettered == input.invalidCount)
            #expect(statistics.redelivered == 0)

            let duplicates = try Self.verify(input, cluster: cluster, configuration: configuration)
            #expect(duplicates == 0, "no faults, no duplicates")
            let accounting = try Accounting.read(bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: Self.partitions)
            #expect(accounting.alerts.count == statistics.alerted)
            #expect(accounting.alerts.allSatisfy { $0.sourceTopic == "sales" && $0.transaction.cardID.hasPrefix("card-") })

            let analytics = try TestTopics.readAll(bootstrap: cluster.bootstrapServers, topic: "analytics", partitions: Self.partitions)
            let records = try analytics.map { try JSONDecoder().decode(MerchantAnalyticsRecord.self, from: Data($0.value)) }
            #expect(records.reduce(0) { $0 + $1.transactions } == input.validIDs.count)
            #expect(records.reduce(0) { $0 + $1.deadLettered } == input.invalidCount)
        }

        @Test("a value too large to dead-letter whole is dead-lettered cut, not skipped", .timeLimit(.minutes(2)))
        func oversizedValueDeadLetteredCut() async throws {
            let cluster = try Self.cluster()
            let configuration = Self.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-oversized")
            var input = TestInput.make(valid: 300, garbage: 0, invalid: 0)
            // Whole, as base64 in a JSON dead letter, it would pass message.max.bytes (1,000,000).
            let oversized = [UInt8](repeating: 0xFF, count: 900_000)
            input.records.append((Array("card-oversized".utf8), oversized))
            input.invalidCount += 1
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)

            let harness = KafkaDoorHarness(configuration: configuration)
            let statistics = try await Self.finish(harness, on: cluster, configuration: configuration)
            #expect(statistics.outputsSkipped == 0)
            #expect(statistics.deadLettered == 1)
            let accounting = try Accounting.read(
                bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: Self.partitions)
            let letter = try #require(accounting.deadLetters.first, "no dead letter arrived")
            #expect(letter.valueBytes == oversized.count)
            #expect(letter.valueTruncated)
            #expect(Data(base64Encoded: letter.valueBase64) == Data(oversized.prefix(DeadLetterJSON.maximumValueBytes)))
        }

        /// A delivery the broker refuses for good (larger than the topic's max.message.bytes)
        /// is skipped and counted as one librdkafka refuses to enqueue is: produced again it was
        /// refused again, at once and for ever, and its input was never committed.
        @Test(.timeLimit(.minutes(3))) func deliveriesRefusedForGoodAreSkipped() async throws {
            let cluster = try Self.cluster()
            let configuration = Self.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-refused-for-good")
            let input = TestInput.make(valid: 300, garbage: 5, invalid: 0, seed: 6)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
            // From now every produce request is answered MESSAGE_TOO_LARGE.
            cluster.pushRequestErrors(apiKey: 0 /* Produce */, errors: Array(repeating: 10 /* MESSAGE_TOO_LARGE */, count: 100_000))
            let harness = KafkaDoorHarness(configuration: configuration)
            let statistics = try await Self.finish(harness, on: cluster, configuration: configuration)
            #expect(statistics.outputsSkipped > 0)
            #expect(statistics.consumed == input.records.count)
        }

        @Test(.timeLimit(.minutes(3))) func survivesBrokerOutageAndProduceErrors() async throws {
            let cluster = try Self.cluster(brokers: 1)
            var configuration = Self.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-faults")
            // Short enough that the outage makes deliveries fail, so the sidecar must produce them again.
            configuration.librdkafkaSettings = [("producer.message.timeout.ms", "1500")]
            let input = TestInput.make(valid: 6000, garbage: 30, invalid: 0, seed: 2)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)

            // Slow the start so the outage lands mid-stream.
            cluster.pushRequestErrors(apiKey: 0, errors: Array(repeating: 6 /* NOT_LEADER_FOR_PARTITION */, count: 5) + [7 /* REQUEST_TIMED_OUT */])
            let harness = KafkaDoorHarness(configuration: configuration)
            #expect(try await harness.wait(seconds: 30) { $0.consumed > 500 })
            cluster.setBrokerDown(1)
            try await Task.sleep(for: .seconds(3))
            cluster.setBrokerUp(1)
            cluster.pushRequestErrors(apiKey: 0, errors: Array(repeating: 6, count: 3))

            let statistics = try await Self.finish(harness, on: cluster, configuration: configuration)
            print("fault run statistics: \(statistics)")
            #expect(statistics.redelivered > 0, "the outage should have failed some deliveries, which must be produced again")
            let duplicates = try Self.verify(input, cluster: cluster, configuration: configuration)
            print("fault run: \(duplicates) duplicate score records, \(statistics.redelivered) outputs produced again")
        }

        /// An output topic the cluster does not know (auto-creation off, or not created yet) must
        /// hold back its inputs' offsets, not skip the outputs: once the topic is there, every
        /// dead letter arrives. (They were logged as skipped and their offsets committed.)
        /// A door consuming `input` (with undecodable values) while the cluster does not know the
        /// dead-letter topic, once it has consumed something.
        static func refusingDeadLetters(
            _ input: TestInput, group: String
        ) async throws -> (KafkaMockCluster, KafkaDoorConfiguration, KafkaDoorHarness) {
            let cluster = try Self.cluster()
            cluster.setTopicError("sales.dlq", code: 3 /* UNKNOWN_TOPIC_OR_PART */)
            var configuration = Self.configuration(bootstrap: cluster.bootstrapServers, group: group)
            // Unknown at once, and asked again often, so the test need not wait librdkafka's defaults.
            configuration.librdkafkaSettings = [
                ("producer.topic.metadata.propagation.max.ms", "0"), ("producer.topic.metadata.refresh.interval.ms", "500"),
            ]
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
            let harness = KafkaDoorHarness(configuration: configuration)
            #expect(try await harness.wait(seconds: 30) { $0.consumed > 0 })
            return (cluster, configuration, harness)
        }

        @Test(.timeLimit(.minutes(3))) func waitsForAMissingOutputTopic() async throws {
            let input = TestInput.make(valid: 2000, garbage: 40, invalid: 0, seed: 4)
            let (cluster, configuration, harness) = try await Self.refusingDeadLetters(input, group: "sidecar-missing-topic")
            let committedEarly = try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: Self.partitions, timeoutSeconds: 5)
            #expect(!committedEarly, "inputs whose dead letters could not be produced must stay uncommitted")

            cluster.setTopicError("sales.dlq", code: 0)
            let committed = try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: Self.partitions, timeoutSeconds: 90)
            #expect(committed)
            try await harness.stopGracefully()
            _ = try Self.verify(input, cluster: cluster, configuration: configuration)
        }

        /// A stop while the producer refuses an output (its topic unknown) must not wait for that
        /// output: it was never produced. Before, the stop's flush and then the revocation's each
        /// waited their whole 30 s for it.
        @Test(.timeLimit(.minutes(3))) func stopsPromptlyWhileAnOutputIsRefused() async throws {
            let input = TestInput.make(valid: 200, garbage: 40, invalid: 0, seed: 5)
            let (cluster, configuration, harness) = try await Self.refusingDeadLetters(input, group: "sidecar-refused-stop")
            let started = ContinuousClock.now
            try await harness.stopGracefully()
            let took = ContinuousClock.now - started
            #expect(took < .seconds(20), "the stop took \(took)")
            let progress = try TestTopics.progress(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales", partitions: Self.partitions)
            #expect(progress.contains { $0.committed < $0.end }, "an input whose dead letter was never produced stays uncommitted")
        }

        /// The scores topic without a leader holds back the commit of every input message, while
        /// the alerts and changelog are acknowledged. Consumption must stop once
        /// `maximumUncommittedInputs` wait (plus at most a batch), not keep every message it
        /// takes, and go on once the leader is back.
        @Test(.timeLimit(.minutes(3))) func pausesAtTheUncommittedBound() async throws {
            let cluster = try Self.cluster()
            var configuration = Self.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-uncommitted")
            configuration.maximumUncommittedInputs = 1_000
            configuration.batchSize = 100
            let input = TestInput.make(valid: 6_000, garbage: 0, invalid: 0, seed: 5)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
            // Every scored message has a score output, so none can be committed: what waits only grows.
            for partition in 0..<Int32(Self.partitions) { cluster.setPartitionLeader("scores", partition: partition, broker: -1) }

            let harness = KafkaDoorHarness(configuration: configuration)
            #expect(try await harness.wait(seconds: 60) { $0.pauses >= 1 })
            let atPause = harness.sidecar.statistics
            #expect(atPause.consumed < input.records.count, "paused before the input ran out")
            // While paused nothing more is consumed, and what waits stays within the bound:
            // watched for two seconds.
            for _ in 0..<20 {
                let statistics = harness.sidecar.statistics
                #expect(statistics.consumed == atPause.consumed, "consumed while paused")
                #expect(statistics.pauses == 1)
                #expect(
                    (configuration.maximumUncommittedInputs...(configuration.maximumUncommittedInputs + configuration.batchSize))
                        .contains(statistics.uncommittedInputs), "\(statistics.uncommittedInputs) waiting")
                try await Task.sleep(for: .milliseconds(100))
            }

            for partition in 0..<Int32(Self.partitions) { cluster.setPartitionLeader("scores", partition: partition, broker: 1) }
            let statistics = try await Self.finish(harness, on: cluster, configuration: configuration)
            print("uncommitted bound run statistics: \(statistics)")
            #expect(statistics.consumed == input.records.count)
            #expect(statistics.uncommittedInputs == 0)
            _ = try Self.verify(input, cluster: cluster, configuration: configuration)
        }

        @Test(.timeLimit(.minutes(3))) func crashAndRestartLeavesNothingUnscored() async throws {
            let cluster = try Self.cluster()
            let configuration = Self.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-crash")
            let input = TestInput.make(valid: 20_000, garbage: 10, invalid: 5, seed: 3)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)

            let engine = RiskEngine()
            let first = KafkaDoorHarness(configuration: configuration, engine: engine)
            #expect(try await first.wait(seconds: 30) { $0.consumed > 8000 })
            try await first.crash()
            let progress = try TestTopics.progress(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales", partitions: Self.partitions)
            let end = progress.reduce(0) { $0 + $1.end }
            let done = progress.reduce(0) { $0 + max($1.committed, 0) }
            print("crashed after consuming \(first.sidecar.statistics.consumed); committed \(done) of \(end)")
            #expect(done < end, "the crash should interrupt the run")

            let second = KafkaDoorHarness(configuration: configuration, engine: RiskEngine())
            let committed = try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales",
                partitions: Self.partitions, timeoutSeconds: 90)
            #expect(committed)
            try await second.stopGracefully()
            let duplicates = try Self.verify(input, cluster: cluster, configuration: configuration)
            print("crash run: \(duplicates) duplicate score records after restart")
        }
    }
}

typealias MockClusterIntegrationTests = KafkaClusterTests.MockClusterIntegrationTests
