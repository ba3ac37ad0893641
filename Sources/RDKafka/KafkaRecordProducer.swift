import CRdKafka

/// A plain producer for tools and demos (feeding a topic), built on the same bridge.
///
/// Not for the sidecar's own outputs (those go through `KafkaWorker`, which ties each to its
/// input offset). Not thread-safe.
public final class KafkaRecordProducer {
    private let producer: RDKafkaProducer
    /// Deliveries that failed for good.
    public private(set) var failed = 0
    /// Deliveries acknowledged by the broker.
    public private(set) var delivered = 0

    /// - Parameter settings: extra librdkafka settings, applied after the defaults.
    public init(bootstrapServers: String, settings: [(String, String)] = []) throws(KafkaError) {
        producer = try RDKafkaProducer(
            settings: [("bootstrap.servers", bootstrapServers), ("linger.ms", "5"), ("batch.num.messages", "10000"),
                       ("queue.buffering.max.messages", "1000000")] + settings)
    }

    /// Enqueues one record, waiting for room when the local queue is full.
    public func send(topic: String, key: [UInt8], value: [UInt8]) throws(KafkaError) {
        let handle = producer.topic(topic)
        while true {
            let result = key.withUnsafeBytes { key in
                value.withUnsafeBytes { producer.produce(topic: handle, key: key, value: $0, opaque: 1) }
            }
            if result == RD_KAFKA_RESP_ERR_NO_ERROR { break }
            guard result == RD_KAFKA_RESP_ERR__QUEUE_FULL else { throw KafkaError(result, context: "produce") }
            poll(timeoutMs: 10)
        }
        poll(timeoutMs: 0)
    }

    /// Handles delivery reports already in.
    public func poll(timeoutMs: Int32 = 0) {
        producer.drainReports(timeoutMs: timeoutMs, onError: { _, _ in }) { report in
            if report.succeeded { delivered += 1 } else { failed += 1 }
        }
    }

    /// Waits until everything enqueued is reported, or the timeout passes; returns whether it was.
    @discardableResult
    public func flush(timeoutSeconds: Double = 30) -> Bool {
        let deadline = SystemClock.monotonicNanoseconds() + UInt64(timeoutSeconds * 1e9)
        while producer.outstanding > 0, SystemClock.monotonicNanoseconds() < deadline { poll(timeoutMs: 20) }
        return producer.outstanding == 0
    }
}
