import CRdKafka

/// Reads one partition from its start up to its end: how a changelog partition is restored.
/// A plain assigned consumer: it joins no group and commits nothing.
package enum KafkaPartitionReader {
    /// Hands every record of `topic`'s `partition` up to its end (as the first fetch to reach it
    /// finds it) to `body`, in offset order, and returns how many there were. Throws when the
    /// partition cannot be read within `timeoutMs` (it does not exist, the cluster cannot be
    /// reached).
    ///
    /// - Parameter settings: librdkafka properties, `bootstrap.servers` at least. A `group.id`
    ///   among them is replaced by one of the reader's own (librdkafka wants one to assign; the
    ///   reader never subscribes or commits, so it never joins that group or touches its offsets).
    package static func read(
        settings: [(String, String)], topic: String, partition: Int32, timeoutMs: Int,
        _ body: (_ offset: Int64, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void
    ) throws(KafkaError) -> Int {
        let conf = try RDKafkaConfig.make(
            settings.filter { $0.0 != "group.id" }
                + [("group.id", "streamify-partition-reader"), ("enable.auto.commit", "false"), ("enable.partition.eof", "true"),
                   // The end is known when a fetch comes back empty: do not let the broker hold it.
                   ("fetch.wait.max.ms", "10")])
        let handle = try RDKafkaConfig.newHandle(RD_KAFKA_CONSUMER, conf)
        defer { rd_kafka_destroy(handle) }
        // The watermarks only check that the partition exists: some brokers (tansu) answer
        // ListOffsets with an end short of what a fetch then finds. The end is where the fetch
        // reports it, with the partition-EOF event.
        var low: Int64 = 0
        var high: Int64 = 0
        let watermarks = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, Int32(clamping: timeoutMs))
        if watermarks != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(watermarks, context: "watermarks of \(topic)/\(partition)") }

        let list = TopicPartition.makeList([(TopicPartition(topic: topic, partition: partition), Int64(RD_KAFKA_OFFSET_BEGINNING))])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let assigned = rd_kafka_assign(handle, list)
        if assigned != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(assigned, context: "assign \(topic)/\(partition)") }
        defer { rd_kafka_assign(handle, nil) }

        let deadline = SystemClock.monotonicNanoseconds() + UInt64(timeoutMs) * 1_000_000
        var count = 0
        var next = low
        while true {
            guard SystemClock.monotonicNanoseconds() < deadline else {
                throw KafkaError(code: -1, message: "reading \(topic)/\(partition) timed out at offset \(next)")
            }
            guard let message = rd_kafka_consumer_poll(handle, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            let m = message.pointee
            if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { break }
            guard m.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            next = m.offset + 1
            body(
                m.offset, UnsafeRawBufferPointer(start: m.key, count: m.key_len),
                UnsafeRawBufferPointer(start: m.payload, count: m.len))
            count += 1
        }
        return count
    }
}
