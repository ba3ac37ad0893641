import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing
@testable import KafkaDoor

extension KafkaClusterTests {
    /// The real binary in Kafka mode on a state directory, killed with SIGKILL at a random point
    /// and started again: every score record it publishes, before and after, equals an
    /// uninterrupted instance's (at-least-once duplicates included), and nothing is missing.
    @Suite(.serialized, .offCooperativePool) struct DaemonKafkaCrashTests {
        static func arguments(bootstrap: String, state: String) -> [String] {
            [
                "--state-dir", state, "--kafka-brokers", bootstrap,
                "--kafka-topic-sales", "sales", "--kafka-topic-fraud", "alerts", "--kafka-topic-analytics", "analytics",
                "--kafka-topic-scores", "scores", "--kafka-group-id", "daemon",
                // Small fetches, so the kill lands while messages are consumed ahead of the commits.
                "-X", "consumer.max.partition.fetch.bytes=4096",
            ]
        }

        @Test(.timeLimit(.minutes(3))) func killedAtARandomPointTheRestartedDaemonAppliesNothingTwice() async throws {
            let input = TestInput.make(valid: 6000, garbage: 12, invalid: 6, seed: 7)

            // The same binary, never stopped.
            let reference = try DurableInputStateTests.cluster()
            let referenceConfiguration = MockClusterIntegrationTests.configuration(bootstrap: reference.bootstrapServers, group: "daemon")
            try TestTopics.produce(bootstrap: reference.bootstrapServers, topic: "sales", input.records)
            let referenceDirectory = try makeTestDirectory("kafka-daemon-reference")
            defer { try? FileManager.default.removeItem(at: referenceDirectory) }
            let uninterrupted = try DaemonProcess.start(
                arguments: Self.arguments(bootstrap: reference.bootstrapServers, state: referenceDirectory.path + "/state")
                    + ["--metrics", "127.0.0.1:0"])
            #expect(
                try await TestTopics.waitUntilFullyCommitted(
                    bootstrap: reference.bootstrapServers, group: "daemon", topic: "sales", partitions: 1, timeoutSeconds: 90))
            // The door's counters reach /metrics.
            let metricsPort = try #require(uninterrupted.metricsPort)
            #expect(try waitForMetric("streamify_kafka_consumed_total", port: metricsPort, seconds: 10) { $0 == input.records.count })
            #expect(try waitForMetric("streamify_kafka_dead_lettered_total", port: metricsPort, seconds: 10) { $0 == input.invalidCount })
            #expect(try waitForMetric("streamify_kafka_outputs_skipped_total", port: metricsPort, seconds: 10) { $0 == 0 })
            #expect(uninterrupted.terminate(timeout: 30) == 0, "\(uninterrupted.log.suffix(3000))")
            let expected = Dictionary(
                DurableInputStateTests.breakdowns(
                    try Accounting.read(bootstrap: reference.bootstrapServers, configuration: referenceConfiguration, partitions: 1)),
                uniquingKeysWith: { first, _ in first })
            #expect(expected.count == input.validIDs.count)

            let cluster = try DurableInputStateTests.cluster()
            let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: "daemon")
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
            let directory = try makeTestDirectory("kafka-daemon-state")
            defer { try? FileManager.default.removeItem(at: directory) }
            let arguments = Self.arguments(bootstrap: cluster.bootstrapServers, state: directory.path + "/state")

            let killAt = Int64.random(in: 500...4500)
            let first = try DaemonProcess.start(arguments: arguments)
            let deadline = Date().addingTimeInterval(60)
            var committed: Int64 = -1
            while Date() < deadline, first.isRunning, committed < killAt {
                committed = (try? TestTopics.progress(bootstrap: cluster.bootstrapServers, group: "daemon", topic: "sales", partitions: 1))?
                    .first?.committed ?? -1
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(committed >= killAt, "the daemon made no progress: \(first.log.suffix(2000))")
            first.signal(SIGKILL)
            _ = first.waitForExit(timeout: 10)

            let second = try DaemonProcess.start(arguments: arguments)
            #expect(
                try await TestTopics.waitUntilFullyCommitted(
                    bootstrap: cluster.bootstrapServers, group: "daemon", topic: "sales", partitions: 1, timeoutSeconds: 90))
            #expect(second.terminate(timeout: 30) == 0, "\(second.log.suffix(3000))")
            let stopped = second.logLines().first { $0["message"] as? String == "Kafka door stopped" }
            print("killed after \(committed) committed; restart: \(stopped?["statistics"] ?? "?")")
            let restored = second.logLines().first { $0["message"] as? String == "state restored" }
            // Restored from the journal: every start writes a snapshot, so the record count tells.
            #expect(Int(restored?["journal_records"] as? String ?? "") ?? 0 > 0, "\(second.log.suffix(2000))")

            try DurableInputStateTests.expectSameScores(as: expected, in: cluster, configuration: configuration, input: input)
        }
    }
}

typealias DaemonKafkaCrashTests = KafkaClusterTests.DaemonKafkaCrashTests
