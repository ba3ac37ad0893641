import CRdKafka

/// A group consumer that hands out messages in batches and commits offsets only when told.
///
/// Not thread-safe: one thread polls, commits and closes. Rebalance callbacks run inside `poll`
/// on that same thread, so the handler may touch the owner's state without locks.
package final class RDKafkaConsumer {
    package let handle: OpaquePointer
    private let queue: OpaquePointer
    private let rebalance: RebalanceContext
    private var closed = false
    private var abandoned = false

    /// - Parameter settings: librdkafka properties; `bootstrap.servers` and `group.id` at least.
    ///   `enable.auto.commit` is forced off: the owner commits.
    package init(settings: [(String, String)], handler: any RebalanceHandler) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(settings + [("enable.auto.commit", "false"), ("enable.auto.offset.store", "false")])
        let context = RebalanceContext(settings: settings)
        context.handler = handler
        rebalance = context
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        rd_kafka_conf_set_offset_commit_cb(conf, offsetCommitCallback)
        handle = try RDKafkaConfig.newHandle(RD_KAFKA_CONSUMER, conf)
        rd_kafka_poll_set_consumer(handle)
        queue = rd_kafka_queue_get_consumer(handle)!
    }

    /// Receives rebalances; held weakly.
    package var handler: (any RebalanceHandler)? {
        get { rebalance.handler }
        set { rebalance.handler = newValue }
    }

    deinit {
        close()
        rd_kafka_queue_destroy(queue)
        if abandoned {
            rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_destroy(handle)
        }
    }

    package func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let result = rd_kafka_subscribe(handle, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, context: "subscribe") }
    }

    /// Fills `buffer` with up to its count of messages, waiting at most `timeoutMs`.
    ///
    /// Serves rebalances and errors on the way. The caller destroys each returned message
    /// with `rd_kafka_message_destroy`, including error messages (`err != 0`).
    package func poll(into buffer: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>, timeoutMs: Int32) -> Int {
        let count = rd_kafka_consume_batch_queue(queue, timeoutMs, buffer.baseAddress, buffer.count)
        return max(count, 0)
    }

    /// Commits `offsets` (each the next offset to read). Synchronous unless `async`.
    package func commit(_ offsets: [(TopicPartition, Int64)], async: Bool) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = TopicPartition.makeList(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_commit(handle, list, async ? 1 : 0)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, context: "commit") }
    }

    /// The group's committed offsets for `partitions` (-1001 when none).
    package func committed(_ partitions: [TopicPartition], timeoutMs: Int32 = 5000) throws(KafkaError) -> [TopicPartition: Int64] {
        let list = TopicPartition.makeList(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_committed(handle, list, timeoutMs)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, context: "committed") }
        return Dictionary(TopicPartition.list(list), uniquingKeysWith: { first, _ in first })
    }

    /// Stops fetching from `partitions` (every partition assigned now when nil) until
    /// `resume`; `poll` goes on serving rebalances and errors, so the consumer stays in its
    /// group. Messages fetched but not yet returned are not returned: fetching resumes after the
    /// last message `poll` gave out. Partitions assigned later are not paused by this call, but
    /// librdkafka keeps a partition's pause across an unassignment: one paused when it was
    /// revoked comes back paused, so an owner sets each new partition's state on assignment.
    package func pause(_ partitions: [TopicPartition]? = nil) throws(KafkaError) {
        try changeFetching(partitions, pausing: true)
    }

    /// Fetches again from `partitions` (every partition assigned now when nil) after `pause`.
    package func resume(_ partitions: [TopicPartition]? = nil) throws(KafkaError) {
        try changeFetching(partitions, pausing: false)
    }

    private func changeFetching(_ partitions: [TopicPartition]?, pausing: Bool) throws(KafkaError) {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        if let partitions {
            list = TopicPartition.makeList(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
        } else {
            let result = rd_kafka_assignment(handle, &list)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, context: "assignment") }
        }
        guard let list else { return }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard list.pointee.cnt > 0 else { return }
        let result = pausing ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, context: pausing ? "pause" : "resume") }
    }

    /// Leaves the group, revoking through the handler first.
    ///
    /// Unsubscribes and serves the revocation through the consumer queue, for up to
    /// `drainTimeoutMs`, before `rd_kafka_consumer_close`. librdkafka 2.0 can block for ever
    /// when close's own revocation calls `rd_kafka_assign` while a rebalance is under way
    /// (confluentinc/librdkafka#4884, #4527). So the drain goes on until nothing is assigned and
    /// nothing waits in the queue (an assignment not yet served among it); close then has
    /// nothing to revoke.
    /// Messages that arrive meanwhile are dropped uncommitted: the partitions' next owner reads
    /// them again from the last commit.
    package func close(drainTimeoutMs: Int32 = 10_000) {
        guard !closed else { return }
        closed = true
        if rd_kafka_unsubscribe(handle) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let deadline = SystemClock.monotonicNanoseconds() + UInt64(max(drainTimeoutMs, 0)) * 1_000_000
            while hasAssignment || rd_kafka_queue_length(queue) > 0, SystemClock.monotonicNanoseconds() < deadline {
                if let message = rd_kafka_consumer_poll(handle, 10) { rd_kafka_message_destroy(message) }
            }
        }
        rd_kafka_consumer_close(handle)
    }

    /// Whether any partition is still assigned to this consumer.
    private var hasAssignment: Bool {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return false }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return list.pointee.cnt > 0
    }

    /// Destroys without leaving the group or committing: simulates a crash (tests only).
    package func abandon() {
        closed = true
        abandoned = true
    }
}
