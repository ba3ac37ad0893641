/// The librdkafka settings the Kafka door's two clients start from, before `-X` pass-through.
///
/// A pass-through key prefixed `consumer.` or `producer.` applies to that client only (prefix
/// removed); any other key applies to both. Pass-through settings come last, so they win.
enum KafkaClientSettings {
    static func consumer(_ configuration: KafkaDoorConfiguration, bootstrap: String) -> [(String, String)] {
        [
            ("bootstrap.servers", bootstrap),
            ("group.id", configuration.groupID),
            ("client.id", "streamify-kafka-door"),
            ("auto.offset.reset", "earliest"),
            ("session.timeout.ms", "6000"),
            ("heartbeat.interval.ms", "1500"),
            ("enable.partition.eof", "false"),
            ("queued.min.messages", "200000"),
        ] + passThrough(configuration.librdkafkaSettings, for: "consumer.", other: "producer.")
    }

    static func producer(_ configuration: KafkaDoorConfiguration, bootstrap: String) -> [(String, String)] {
        [
            ("bootstrap.servers", bootstrap),
            ("client.id", "streamify-kafka-door"),
            ("enable.idempotence", "true"),
            ("acks", "all"),
            ("linger.ms", "5"),
            ("batch.num.messages", "10000"),
            ("queue.buffering.max.messages", "1000000"),
        ] + passThrough(configuration.librdkafkaSettings, for: "producer.", other: "consumer.")
    }

    private static func passThrough(_ settings: [(String, String)], for prefix: String, other: String) -> [(String, String)] {
        settings.compactMap { key, value in
            if key.hasPrefix(prefix) { return (String(key.dropFirst(prefix.count)), value) }
            if key.hasPrefix(other) { return nil }
            return (key, value)
        }
    }
}
