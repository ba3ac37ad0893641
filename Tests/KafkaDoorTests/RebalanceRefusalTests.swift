import CRdKafka
import RDKafka
import Testing

extension KafkaClusterTests {
    /// An assignment librdkafka refuses is reported to the handler, not taken as assigned: the
    /// Kafka door stops on it rather than count partitions as its own that it never fetches.
    @Suite struct RebalanceRefusalTests {
        @Test("a refused incremental assignment reaches rebalanceFailed, and partitionsAssigned is not called")
        func refusedAssignmentIsReported() throws {
            typealias Close = ConsumerCloseTests
            let cluster = try KafkaMockCluster()
            try cluster.createTopic(Close.topic, partitions: Int(Close.partitions))
            let recorder = Close.Recorder()
            let consumer = try Close.consumer(cluster, group: "refused-assign", handler: recorder, strategy: "cooperative-sticky")
            try consumer.subscribe([Close.topic])
            #expect(Close.serve(consumer) { recorder.assigned.count == Int(Close.partitions) })
            #expect(recorder.failed.isEmpty)

            // The group's assignment once more: librdkafka refuses to add partitions already held.
            let list = TopicPartition.makeList(recorder.assigned.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            rebalanceCallback(consumer.handle, RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, list, rd_kafka_opaque(consumer.handle))
            #expect(recorder.failed.count == 1, "\(recorder.failed)")
            #expect(recorder.assigned.count == Int(Close.partitions), "not counted as assigned again")
            #expect(Close.closes(consumer, withinSeconds: 30))
        }
    }
}
