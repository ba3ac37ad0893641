import CRdKafka

/// librdkafka's in-process mock Kafka cluster: real brokers on loopback TCP, no installation.
///
/// For demos (`--kafka-brokers embedded`) and tests. It can take brokers down and inject
/// request errors. Keep it alive as long as any client uses it.
public final class KafkaMockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port,...` to give clients as `bootstrap.servers`.
    public let bootstrapServers: String
    /// Brokers in the cluster, with ids 1...brokerCount.
    public let brokerCount: Int

    /// Starts `brokers` mock brokers (ids 1...brokers).
    public init(brokers: Int = 1) throws(KafkaError) {
        let conf = try RDKafkaConfig.make([("log_level", "3")])
        owner = try RDKafkaConfig.newHandle(RD_KAFKA_PRODUCER, conf)
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError(code: -1, message: "rd_kafka_mock_cluster_new failed")
        }
        self.cluster = cluster
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokerCount = brokers
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Creates `topic` with `partitions` partitions (replication factor is the broker count, at most 3).
    public func createTopic(_ topic: String, partitions: Int) throws(KafkaError) {
        let result = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), Int32(min(brokerCount, 3)))
        if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, context: "create topic \(topic)") }
    }

    /// Makes the cluster answer metadata requests for `topic` with the broker error `code`
    /// (3, UNKNOWN_TOPIC_OR_PART: as if it did not exist); 0 clears it.
    public func setTopicError(_ topic: String, code: Int32) {
        rd_kafka_mock_topic_set_error(cluster, topic, rd_kafka_resp_err_t(code))
    }

    /// Makes broker `id` drop its connections and refuse new ones.
    public func setBrokerDown(_ id: Int32) {
        rd_kafka_mock_broker_set_down(cluster, id)
    }

    /// Brings broker `id` back after `setBrokerDown(_:)`.
    public func setBrokerUp(_ id: Int32) {
        rd_kafka_mock_broker_set_up(cluster, id)
    }

    /// Moves the leadership of `topic`'s `partition` to broker `id`.
    public func setPartitionLeader(_ topic: String, partition: Int32, broker id: Int32) {
        rd_kafka_mock_partition_set_leader(cluster, topic, partition, id)
    }

    /// Makes the next requests of `apiKey` (0 = Produce, 1 = Fetch, 8 = OffsetCommit) fail
    /// with `errors`, one each, in order.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, codes.count, &codes)
    }

    /// Delays every response of broker `id` by `milliseconds` (a slow or distant broker).
    public func setRoundTripTime(_ id: Int32, milliseconds: Int) {
        rd_kafka_mock_broker_set_rtt(cluster, id, Int32(milliseconds))
    }

    /// Makes broker `id` the coordinator of consumer group `group`.
    public func setGroupCoordinator(_ group: String, broker id: Int32) {
        rd_kafka_mock_coordinator_set(cluster, "group", group, id)
    }

    /// Drops the errors still pushed for requests of `apiKey`.
    public func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }
}
