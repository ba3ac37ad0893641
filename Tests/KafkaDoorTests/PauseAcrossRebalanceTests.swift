import CRdKafka
import Foundation
import RDKafka
import ScoringTestSupport
import Synchronization
import Testing
@testable import KafkaDoor

extension KafkaClusterTests {
    /// librdkafka keeps a partition's pause across an unassignment: a partition taken from the
    /// door while it was paused, and given back once the door no longer counts itself paused,
    /// must be fetched again. Without `partitionsAssigned` setting each new partition's state,
    /// this test stalls at its first wait: between the revocation and the assignment the door
    /// found nothing uncommitted and "resumed" an empty assignment, and its share came back
    /// still paused.
    @Suite(.serialized) struct PauseAcrossRebalanceTests {
        typealias Mock = MockClusterIntegrationTests

        /// A group member that holds what it is assigned and consumes none of it, polled on a
        /// thread of its own until `leave`.
        final class IdleMember: Sendable {
            private let leaving = Atomic<Bool>(false)
            private let assigned = Mutex<[TopicPartition]>([])
            private let left = DispatchSemaphore(value: 0)

            final class Recorder: RebalanceHandler {
                let member: IdleMember
                init(_ member: IdleMember) { self.member = member }
                func partitionsWillBeRevoked(_ partitions: [TopicPartition]) {
                    member.assigned.withLock { held in held.removeAll { partitions.contains($0) } }
                }
                func partitionsAssigned(_ partitions: [TopicPartition]) { member.assigned.withLock { $0 += partitions } }
                func commitFailed(_ offsets: [(TopicPartition, Int64)], error: KafkaError) {}
                func rebalanceFailed(_ error: KafkaError) {}
            }

            /// Partitions it holds now.
            var partitions: [TopicPartition] { assigned.withLock { $0 } }

            init(bootstrap: String, group: String, topic: String) {
                let settings = [
                    ("bootstrap.servers", bootstrap), ("group.id", group), ("session.timeout.ms", "6000"),
                    ("heartbeat.interval.ms", "100"),
                ]
                Thread { [self] in
                    let recorder = Recorder(self)
                    guard let consumer = try? RDKafkaConsumer(settings: settings, handler: recorder),
                        (try? consumer.subscribe([topic])) != nil
                    else {
                        left.signal()
                        return
                    }
                    let buffer = UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: 64)
                    // The consumer holds its handler weakly: kept alive here for as long as it serves.
                    withExtendedLifetime(recorder) {
                        while !leaving.load(ordering: .relaxed) {
                            let count = consumer.poll(into: buffer, timeoutMs: 20)
                            for message in buffer.prefix(count) { rd_kafka_message_destroy(message) }
                        }
                        consumer.close()
                    }
                    buffer.deallocate()
                    left.signal()
                }.start()
            }

            /// Leaves the group and waits until it has.
            func leave() async throws {
                leaving.store(true, ordering: .relaxed)
                try await blocking { self.left.wait() }
            }
        }

        @Test("partitions revoked while the door was paused, and given back after it resumed, are fetched", .timeLimit(.minutes(3)))
        func partitionsComingBackAfterAResumeAreFetched() async throws {
            let cluster = try Mock.cluster()
            var configuration = Mock.configuration(bootstrap: cluster.bootstrapServers, group: "sidecar-repause")
            configuration.maximumUncommittedInputs = 1_000
            configuration.batchSize = 100
            // The revocation below waits this long for acknowledgements that cannot come.
            configuration.outputFlushTimeout = .seconds(3)
            let input = TestInput.make(valid: 6_000, garbage: 0, invalid: 0, seed: 7)
            try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
            // No score can be acknowledged, so the door pauses every partition it holds.
            for partition in 0..<Int32(Mock.partitions) { cluster.setPartitionLeader("scores", partition: partition, broker: -1) }
            let harness = KafkaDoorHarness(configuration: configuration)
            #expect(try await harness.wait(seconds: 60) { $0.pauses >= 1 && $0.assignments == 1 })

            // A second member joins: every partition is taken from the paused door (after its
            // flush of outputs that cannot be acknowledged), and some come back to it, still
            // paused in its client.
            let member = IdleMember(bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales")
            #expect(try await harness.wait(seconds: 60) { _ in !member.partitions.isEmpty })
            #expect(try await harness.wait(seconds: 60) { $0.assignments >= 2 })
            let held = member.partitions
            #expect(!held.isEmpty && held.count < Mock.partitions, "the member holds \(held)")

            // Scores can be acknowledged again: the door resumes what it holds and finishes it.
            for partition in 0..<Int32(Mock.partitions) { cluster.setPartitionLeader("scores", partition: partition, broker: 1) }
            let own = (0..<Mock.partitions).filter { partition in !held.contains { $0.partition == Int32(partition) } }
            #expect(
                try await harness.wait(seconds: 60) { _ in
                    guard let progress = try? TestTopics.progress(
                        bootstrap: cluster.bootstrapServers, group: configuration.groupID, topic: "sales", partitions: Mock.partitions)
                    else { return false }
                    return own.allSatisfy { progress[$0].committed == progress[$0].end }
                }, "the door's own partitions are committed")

            // The member leaves: its partitions, paused in the door's client since the first
            // revocation, come back to the door, which must fetch them too.
            try await member.leave()
            let statistics = try await Mock.finish(harness, on: cluster, configuration: configuration)
            #expect(statistics.uncommittedInputs == 0)
            _ = try Mock.verify(input, cluster: cluster, configuration: configuration)
        }
    }
}
