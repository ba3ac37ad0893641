import Logging
import RDKafka
import ScoringEngine
import ScoringModel
import Testing
@testable import KafkaDoor

extension KafkaClusterTests {
    /// `streamify_kafka_assigned_partitions` counts what librdkafka assigned and has not
    /// revoked, whatever order the rebalance callbacks come in.
    @Suite struct AssignedPartitionsGaugeTests {
        @Test("a revocation of partitions never taken, or an assignment said twice, leaves the gauge at what is held")
        func gaugeCountsHeldPartitions() throws {
            let cluster = try KafkaMockCluster()
            var configuration = KafkaDoorConfiguration(brokers: cluster.bootstrapServers)
            configuration.setChangelog("off")
            let counters = KafkaDoorCounters()
            let worker = try KafkaWorker(
                configuration: configuration, bootstrap: cluster.bootstrapServers, scoring: ScoringService(engine: RiskEngine()),
                logger: Logger(label: "assigned-partitions-test"), counters: counters, stop: StopSignal())
            let input = (0..<3).map { TopicPartition(topic: configuration.inputTopic, partition: $0) }
            var held: Int { counters.assignedPartitions.load(ordering: .relaxed) }

            // After a refused assignment the group still revokes, later, what this consumer never took.
            worker.partitionsWillBeRevoked(input)
            #expect(held == 0)
            worker.partitionsAssigned(input)
            #expect(held == 3)
            worker.partitionsAssigned([input[0]])
            #expect(held == 3, "an assignment said again is not counted twice")
            worker.partitionsWillBeRevoked([input[1]])
            #expect(held == 2)
            worker.partitionsWillBeRevoked(input)
            #expect(held == 0)
        }
    }
}
