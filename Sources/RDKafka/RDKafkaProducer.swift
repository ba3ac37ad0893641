import CRdKafka

/// An idempotent librdkafka producer whose delivery reports are drained in batches by its owner.
///
/// Not thread-safe: one thread produces and drains (`KafkaWorker`'s). Delivery reports use the
/// event API on the handle's main queue, so no callback ever runs on a librdkafka thread.
package final class RDKafkaProducer {
    package let handle: OpaquePointer
    private let events: OpaquePointer
    private var topics: [String: OpaquePointer] = [:]
    private var reportBuffer: [UnsafePointer<rd_kafka_message_t>?]

    /// - Parameter settings: librdkafka properties; `bootstrap.servers` at least.
    package init(settings: [(String, String)]) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(settings)
        rd_kafka_conf_set_events(conf, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR))
        handle = try RDKafkaConfig.newHandle(RD_KAFKA_PRODUCER, conf)
        events = rd_kafka_queue_get_main(handle)
        reportBuffer = Array(repeating: nil, count: 4096)
    }

    deinit {
        for topic in topics.values { rd_kafka_topic_destroy(topic) }
        rd_kafka_queue_destroy(events)
        rd_kafka_destroy(handle)
    }

    /// The cached topic handle for `name`.
    package func topic(_ name: String) -> OpaquePointer {
        if let topic = topics[name] { return topic }
        let topic = rd_kafka_topic_new(handle, name, nil)!
        topics[name] = topic
        return topic
    }

    /// Enqueues one message (librdkafka copies key and value) to `partition`, or to the one the
    /// partitioner picks for `key` by default. `opaque` comes back in its report.
    ///
    /// - Returns: `RD_KAFKA_RESP_ERR_NO_ERROR`, or the reason it was not enqueued
    ///   (`RD_KAFKA_RESP_ERR__QUEUE_FULL` means: drain reports and try again).
    package func produce(
        topic: OpaquePointer, partition: Int32 = RD_KAFKA_PARTITION_UA, key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer, opaque: UInt64
    ) -> rd_kafka_resp_err_t {
        let result = rd_kafka_produce(
            topic, partition, RD_KAFKA_MSG_F_COPY,
            UnsafeMutableRawPointer(mutating: value.baseAddress), value.count,
            key.baseAddress, key.count,
            UnsafeMutableRawPointer(bitPattern: UInt(opaque)))
        return result == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_last_error()
    }

    /// Re-enqueues a message whose delivery failed, with the same partition, key, value and opaque.
    package func reproduce(_ report: DeliveryReport) -> rd_kafka_resp_err_t {
        guard let topic = report.topicHandle else { return RD_KAFKA_RESP_ERR__INVALID_ARG }
        return produce(topic: topic, partition: report.partition, key: report.key, value: report.payload, opaque: report.opaque)
    }

    /// How many partitions `name` has, from the cluster's metadata (which may create the topic
    /// where brokers auto-create topics).
    package func partitionCount(of name: String, timeoutMs: Int32 = 10_000) throws(KafkaError) -> Int {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 0, topic(name), &metadata, timeoutMs)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(result, context: "metadata of \(name)") }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt > 0 else { throw KafkaError(code: -1, message: "no metadata for topic \(name)") }
        let entry = metadata.pointee.topics[0]
        if entry.err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(entry.err, context: "topic \(name)") }
        return Int(entry.partition_cnt)
    }

    /// Waits up to `timeoutMs` for events, then hands every delivery report already queued to `body`.
    ///
    /// - Returns: the number of reports handled.
    @discardableResult
    package func drainReports(timeoutMs: Int32, onError: (KafkaError, _ fatal: Bool) -> Void, _ body: (DeliveryReport) -> Void) -> Int {
        var handled = 0
        var timeout = timeoutMs
        while let event = rd_kafka_queue_poll(events, timeout) {
            timeout = 0
            switch rd_kafka_event_type(event) {
            case Int32(RD_KAFKA_EVENT_DR):
                while true {
                    let count = reportBuffer.withUnsafeMutableBufferPointer { buffer in
                        rd_kafka_event_message_array(event, buffer.baseAddress, buffer.count)
                    }
                    if count == 0 { break }
                    for index in 0..<count {
                        body(DeliveryReport(message: reportBuffer[index]!))
                    }
                    handled += count
                }
            case Int32(RD_KAFKA_EVENT_ERROR):
                let error = KafkaError(rd_kafka_event_error(event), context: String(cString: rd_kafka_event_error_string(event)))
                onError(error, rd_kafka_event_error_is_fatal(event) != 0)
            default:
                break
            }
            rd_kafka_event_destroy(event)
        }
        return handled
    }

    /// Messages enqueued and not yet reported, plus reports not yet drained.
    package var outstanding: Int { Int(rd_kafka_outq_len(handle)) }

    /// Drops everything not yet sent (used only to simulate a crash).
    package func purgeAll() {
        rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING))
    }
}
