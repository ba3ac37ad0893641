import Testing

/// Every suite that runs Kafka clusters, brokers or daemons: one at a time. Each one alone keeps
/// both cores busy (mock brokers, librdkafka threads, daemons); run side by side, they starved
/// the timing-sensitive suites of the rest of the run on a 2-core CI machine.
@Suite(.serialized) enum KafkaClusterTests {}
