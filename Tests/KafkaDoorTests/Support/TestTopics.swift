import RDKafka
import CRdKafka
import Foundation
@testable import KafkaDoor

/// One record read back from a topic.
struct ReadRecord {
    var partition: Int32
    var offset: Int64
    var key: [UInt8]
    var value: [UInt8]
}

/// Producing test input and reading topics back, with plain librdkafka clients.
enum TestTopics {
    /// Produces `values` (key, value) to `topic` and waits until all are acknowledged.
    static func produce(bootstrap: String, topic: String, _ values: [([UInt8], [UInt8])]) throws {
        let producer = try RDKafkaProducer(settings: [("bootstrap.servers", bootstrap), ("linger.ms", "1")])
        let handle = producer.topic(topic)
        var failed = 0
        for (key, value) in values {
            while true {
                let result = key.withUnsafeBytes { key in
                    value.withUnsafeBytes { producer.produce(topic: handle, key: key, value: $0, opaque: 1) }
                }
                if result == RD_KAFKA_RESP_ERR_NO_ERROR { break }
                precondition(result == RD_KAFKA_RESP_ERR__QUEUE_FULL, "produce: \(KafkaError(result))")
                producer.drainReports(timeoutMs: 10, onError: { _, _ in }) { if !$0.succeeded { failed += 1 } }
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while producer.outstanding > 0, Date() < deadline {
            producer.drainReports(timeoutMs: 50, onError: { _, _ in }) { if !$0.succeeded { failed += 1 } }
        }
        precondition(failed == 0 && producer.outstanding == 0, "test input not fully produced")
    }

    /// Reads every record of `topic` (partitions 0..<partitions) until `expected` arrived
    /// or nothing new came for `quietSeconds` (5 s before the first record).
    static func readAll(
        bootstrap: String, topic: String, partitions: Int, expected: Int? = nil, quietSeconds: Double = 1.5
    ) throws -> [ReadRecord] {
        let conf = try RDKafkaConfig.make([
            ("bootstrap.servers", bootstrap), ("group.id", "reader-\(UUID().uuidString)"),
            ("enable.auto.commit", "false"), ("enable.partition.eof", "false"),
        ])
        let consumer = try RDKafkaConfig.newHandle(RD_KAFKA_CONSUMER, conf)
        defer {
            rd_kafka_consumer_close(consumer)
            rd_kafka_destroy(consumer)
        }
        let list = TopicPartition.makeList(
            (0..<partitions).map { (TopicPartition(topic: topic, partition: Int32($0)), Int64(RD_KAFKA_OFFSET_BEGINNING)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_assign(consumer, list)
        var records: [ReadRecord] = []
        var lastNew = Date()
        // Until the first record, allow for connecting and the first fetch (slow under load).
        while Date().timeIntervalSince(lastNew) < (records.isEmpty ? max(quietSeconds, 5) : quietSeconds) {
            if let expected, records.count >= expected { break }
            guard let message = rd_kafka_consumer_poll(consumer, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            let m = message.pointee
            guard m.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            records.append(
                ReadRecord(
                    partition: m.partition, offset: m.offset,
                    key: Array(UnsafeRawBufferPointer(start: m.key, count: m.key_len)),
                    value: Array(UnsafeRawBufferPointer(start: m.payload, count: m.len))))
            lastNew = Date()
        }
        return records
    }

    /// The group's committed offset and the high watermark of each partition of `topic`.
    static func progress(bootstrap: String, group: String, topic: String, partitions: Int) throws -> [(committed: Int64, end: Int64)] {
        let conf = try RDKafkaConfig.make([("bootstrap.servers", bootstrap), ("group.id", group), ("enable.auto.commit", "false")])
        let consumer = try RDKafkaConfig.newHandle(RD_KAFKA_CONSUMER, conf)
        defer { rd_kafka_destroy_flags(consumer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)) }
        let list = TopicPartition.makeList(
            (0..<partitions).map { (TopicPartition(topic: topic, partition: Int32($0)), Int64(RD_KAFKA_OFFSET_INVALID)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_committed(consumer, list, 5000)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "committed") }
        var progress: [(Int64, Int64)] = []
        for index in 0..<partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            let watermark = rd_kafka_query_watermark_offsets(consumer, topic, Int32(index), &low, &high, 5000)
            guard watermark == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(watermark, context: "watermarks") }
            progress.append((list.pointee.elems[index].offset, high))
        }
        return progress
    }

    /// Polls until the group has committed every partition of `topic` to its end.
    static func waitUntilFullyCommitted(
        bootstrap: String, group: String, topic: String, partitions: Int, timeoutSeconds: Double
    ) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if let progress = try? progress(bootstrap: bootstrap, group: group, topic: topic, partitions: partitions),
                progress.allSatisfy({ $0.committed == $0.end })
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
