import CRdKafka

/// One record read by `KafkaRecordConsumer`.
public struct KafkaRecord: Sendable {
    /// The topic it was read from.
    public var topic: String
    /// The partition it was read from.
    public var partition: Int32
    /// Its offset in that partition.
    public var offset: Int64
    /// The record's key bytes (empty when it has none).
    public var key: [UInt8]
    /// The record's value bytes.
    public var value: [UInt8]
}

/// A plain group consumer for tools (reading alerts back), built on the same bridge.
///
/// Commits nothing; not thread-safe.
public final class KafkaRecordConsumer {
    private let handle: OpaquePointer
    private var closed = false

    /// - Parameter fromBeginning: start at the earliest offset (else only new records).
    public init(
        bootstrapServers: String, groupID: String, topics: [String], fromBeginning: Bool,
        settings: [(String, String)] = []
    ) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(
            [("bootstrap.servers", bootstrapServers), ("group.id", groupID), ("enable.auto.commit", "false"),
             ("auto.offset.reset", fromBeginning ? "earliest" : "latest"), ("session.timeout.ms", "6000"),
             ("enable.partition.eof", "false")] + settings)
        handle = try RDKafkaConfig.newHandle(RD_KAFKA_CONSUMER, conf)
        rd_kafka_poll_set_consumer(handle)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let result = rd_kafka_subscribe(handle, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            // Every property is set: `deinit` runs on this throw and destroys the handle (once).
            closed = true
            throw KafkaError(result, context: "subscribe")
        }
    }

    deinit {
        close()
        rd_kafka_destroy(handle)
    }

    /// Waits up to `timeoutMs` for a record; returns `nil` on timeout (errors are skipped).
    public func poll(timeoutMs: Int32) -> KafkaRecord? {
        guard let message = rd_kafka_consumer_poll(handle, timeoutMs) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let m = message.pointee
        guard m.err == RD_KAFKA_RESP_ERR_NO_ERROR, let rkt = m.rkt else { return nil }
        return KafkaRecord(
            topic: String(cString: rd_kafka_topic_name(rkt)), partition: m.partition, offset: m.offset,
            key: Array(UnsafeRawBufferPointer(start: m.key, count: m.key_len)),
            value: Array(UnsafeRawBufferPointer(start: m.payload, count: m.len)))
    }

    /// Leaves the group; later calls do nothing (`deinit` calls it too).
    public func close() {
        guard !closed else { return }
        closed = true
        rd_kafka_consumer_close(handle)
    }
}
