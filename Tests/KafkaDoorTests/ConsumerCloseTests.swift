import CRdKafka
import Dispatch
import Foundation
import RDKafka
import Testing

extension KafkaClusterTests {
    /// `RDKafkaConsumer.close` must return whatever the group is doing, so that a stop never
    /// waits for ever inside librdkafka (confluentinc/librdkafka#4884, #4527).
    @Suite(.serialized) struct ConsumerCloseTests {
        /// Counts the rebalance calls a consumer receives.
        final class Recorder: RebalanceHandler {
            var assigned: [TopicPartition] = []
            var revoked: [TopicPartition] = []
            var failed: [KafkaError] = []
            func partitionsWillBeRevoked(_ partitions: [TopicPartition]) { revoked += partitions }
            func partitionsAssigned(_ partitions: [TopicPartition]) { assigned += partitions }
            func commitFailed(_ offsets: [(TopicPartition, Int64)], error: KafkaError) {}
            func rebalanceFailed(_ error: KafkaError) { failed.append(error) }
        }

        /// Moves a consumer to the thread that closes it (the consumer is not `Sendable`, but
        /// only that thread touches it from then on).
        final class Closing: @unchecked Sendable {
            let consumer: RDKafkaConsumer
            init(_ consumer: RDKafkaConsumer) { self.consumer = consumer }
        }

        static let topic = "close-test"
        static let partitions: Int32 = 4

        /// The eager protocol (librdkafka's default strategies) and the cooperative one.
        static let strategies = ["range,roundrobin", "cooperative-sticky"]

        static func consumer(
            _ cluster: KafkaMockCluster, group: String, handler: Recorder, strategy: String = strategies[0]
        ) throws -> RDKafkaConsumer {
            try RDKafkaConsumer(
                settings: [("bootstrap.servers", cluster.bootstrapServers), ("group.id", group),
                           ("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "100"),
                           ("partition.assignment.strategy", strategy)],
                handler: handler)
        }

        /// Closes `consumer` on a thread of its own; false when it has not returned within
        /// `seconds`. A thread blocked inside librdkafka cannot be stopped, so it is left behind
        /// rather than hanging the run.
        static func closes(_ consumer: RDKafkaConsumer, withinSeconds seconds: Int) -> Bool {
            let done = DispatchSemaphore(value: 0)
            let closing = Closing(consumer)
            Thread {
                closing.consumer.close()
                done.signal()
            }.start()
            return done.wait(timeout: .now() + .seconds(seconds)) == .success
        }

        /// Waits until `condition` holds, up to `seconds`.
        static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while !condition() {
                if Date() > deadline { return false }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return true
        }

        /// Polls `consumer` (serving its rebalances, dropping messages) until `condition` holds,
        /// up to 30 seconds.
        static func serve(_ consumer: RDKafkaConsumer, until condition: () -> Bool) -> Bool {
            let buffer = UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: 8)
            defer { buffer.deallocate() }
            return wait(seconds: 30) {
                let count = consumer.poll(into: buffer, timeoutMs: 10)
                for message in buffer.prefix(count) { rd_kafka_message_destroy(message) }
                return condition()
            }
        }

        /// Waits until the group's next change waits in `consumer`'s queue, unserved, and closes it.
        static func closeOnceARebalanceIsQueued(_ consumer: RDKafkaConsumer, round: Int) {
            let queue = rd_kafka_queue_get_consumer(consumer.handle)
            defer { rd_kafka_queue_destroy(queue) }
            #expect(Self.wait(seconds: 30) { rd_kafka_queue_length(queue) > 0 }, "a rebalance should be queued")
            #expect(Self.closes(consumer, withinSeconds: 30), "close should return (round \(round))")
        }

        /// The group's assignment already waits in the consumer's queue, unserved, when close is
        /// called: close serves it and then revokes it.
        @Test func closeWithAnUnservedAssignmentReturns() throws {
            let cluster = try KafkaMockCluster()
            try cluster.createTopic(Self.topic, partitions: Int(Self.partitions))
            for round in 0..<3 {
                let recorder = Recorder()
                let consumer = try Self.consumer(cluster, group: "close-unserved-\(round)", handler: recorder)
                try consumer.subscribe([Self.topic])
                Self.closeOnceARebalanceIsQueued(consumer, round: round)
                #expect(Set(recorder.revoked) == Set(recorder.assigned))
            }
        }

        /// A second member joins and close is called on the first while the group rebalances.
        @Test(arguments: strategies) func closeDuringARebalanceReturns(strategy: String) throws {
            let cluster = try KafkaMockCluster()
            try cluster.createTopic(Self.topic, partitions: Int(Self.partitions))
            for round in 0..<2 {
                let group = "close-rebalance-\(strategy)-\(round)"
                let first = Recorder()
                let consumer = try Self.consumer(cluster, group: group, handler: first, strategy: strategy)
                try consumer.subscribe([Self.topic])
                #expect(Self.serve(consumer) { first.assigned.count == Int(Self.partitions) })

                let second = Recorder()
                let joining = try Self.consumer(cluster, group: group, handler: second, strategy: strategy)
                try joining.subscribe([Self.topic])
                // The group asks the first member to give its partitions up: close then, with the
                // revocation queued and not yet served.
                Self.closeOnceARebalanceIsQueued(consumer, round: round)
                #expect(Set(first.revoked) == Set(first.assigned))

                // The group goes on: the second member ends up with every partition.
                #expect(Self.serve(joining) {
                    Set(second.assigned).subtracting(second.revoked).count == Int(Self.partitions)
                })
                #expect(Self.closes(joining, withinSeconds: 30))
            }
        }
    }
}
