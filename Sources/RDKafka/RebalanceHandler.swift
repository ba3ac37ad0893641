import CRdKafka

/// Receives partition assignment changes; runs on the thread that polls the consumer.
package protocol RebalanceHandler: AnyObject {
    /// Called before `partitions` are taken away: flush and commit their work now.
    func partitionsWillBeRevoked(_ partitions: [TopicPartition])
    /// Called after `partitions` were assigned.
    func partitionsAssigned(_ partitions: [TopicPartition])
    /// Called with the partitions of an asynchronous commit the broker refused.
    func commitFailed(_ offsets: [(TopicPartition, Int64)], error: KafkaError)
    /// Called when librdkafka refused to apply an assignment change (a fatal consumer, a
    /// protocol other than the one configured): the group and this consumer no longer agree on
    /// what it holds. After a refused assignment `partitionsAssigned` is not called.
    func rebalanceFailed(_ error: KafkaError)
}

/// Holds the handler weakly, at a stable address, for librdkafka's opaque pointer.
package final class RebalanceContext {
    weak var handler: (any RebalanceHandler)?
    /// Whether the group uses the cooperative protocol (incremental assign and unassign).
    ///
    /// Taken from the configured `partition.assignment.strategy` rather than asked of
    /// `rd_kafka_rebalance_protocol` in the callback: during `rd_kafka_consumer_close` that call
    /// returns NULL or blocks (confluentinc/librdkafka#4041). librdkafka refuses to mix eager and
    /// cooperative strategies, so the setting names one protocol.
    let cooperative: Bool

    /// - Parameter settings: the consumer's librdkafka properties.
    package init(settings: [(String, String)]) {
        let strategy = settings.last { $0.0 == "partition.assignment.strategy" }?.1 ?? ""
        cooperative = strategy.contains("cooperative")
    }
}

/// The librdkafka rebalance callback: tells the handler, then applies the change (eager or cooperative).
package let rebalanceCallback: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { handle, error, partitions, opaque in
    guard let handle else { return }
    let context = opaque.map { Unmanaged<RebalanceContext>.fromOpaque($0).takeUnretainedValue() }
    let changed = TopicPartition.list(partitions).map(\.0)
    let cooperative = context?.cooperative ?? false
    switch error {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        let failure =
            cooperative
            ? refusal(rd_kafka_incremental_assign(handle, partitions), "incremental assign")
            : refusal(rd_kafka_assign(handle, partitions), "assign")
        if let failure {
            context?.handler?.rebalanceFailed(failure)
        } else {
            context?.handler?.partitionsAssigned(changed)
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        context?.handler?.partitionsWillBeRevoked(changed)
        let failure =
            cooperative
            ? refusal(rd_kafka_incremental_unassign(handle, partitions), "incremental unassign")
            : refusal(rd_kafka_assign(handle, nil), "unassign")
        if let failure { context?.handler?.rebalanceFailed(failure) }
    default:
        if let failure = refusal(rd_kafka_assign(handle, nil), "unassign after \(KafkaError(error))") {
            context?.handler?.rebalanceFailed(failure)
        }
    }
}

/// The error of an incremental (un)assignment, freed; nil when it succeeded.
private func refusal(_ error: OpaquePointer?, _ operation: String) -> KafkaError? {
    guard let error else { return nil }
    defer { rd_kafka_error_destroy(error) }
    return KafkaError(code: rd_kafka_error_code(error).rawValue, message: "\(operation): \(String(cString: rd_kafka_error_string(error)))")
}

/// The error of an eager (un)assignment; nil when it succeeded.
private func refusal(_ error: rd_kafka_resp_err_t, _ operation: String) -> KafkaError? {
    error == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(error, context: operation)
}

/// The librdkafka offset-commit callback: reports refused partitions to the handler.
package let offsetCommitCallback: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { _, error, offsets, opaque in
    guard let opaque, let offsets else { return }
    let context = Unmanaged<RebalanceContext>.fromOpaque(opaque).takeUnretainedValue()
    var failed: [(TopicPartition, Int64)] = []
    for index in 0..<Int(offsets.pointee.cnt) {
        let element = offsets.pointee.elems[index]
        if error != RD_KAFKA_RESP_ERR_NO_ERROR || element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            failed.append((TopicPartition(topic: String(cString: element.topic), partition: element.partition), element.offset))
        }
    }
    guard !failed.isEmpty else { return }
    let reason = error != RD_KAFKA_RESP_ERR_NO_ERROR ? error : offsets.pointee.elems[0].err
    context.handler?.commitFailed(failed, error: KafkaError(reason, context: "commit"))
}
