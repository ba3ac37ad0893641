import StreamifyWire
import ArgumentParser
import Foundation
import KafkaDoor
import ScoringModel

/// Kafka door options of `scoring-server`: consume a transactions topic and publish alerts and
/// analytics, scored with the same engine and state as the socket listeners.
struct KafkaOptions: ParsableArguments {
    @Option(name: .customLong("kafka-brokers"), help: "HOST:PORT[,...], or 'embedded' for an in-process mock cluster. Turns the Kafka door on. Env: KAFKA_BOOTSTRAP_SERVERS")
    var brokers: String?
    @Option(name: .customLong("kafka-topic-sales"), help: "Input topic. Env: KAFKA_TOPIC_SALES (default sales_stream)")
    var salesTopic: String?
    @Option(name: .customLong("kafka-topic-fraud"), help: "Alert topic. Env: KAFKA_TOPIC_FRAUD (default fraud_alerts)")
    var fraudTopic: String?
    @Option(name: .customLong("kafka-topic-analytics"), help: "Merchant analytics topic. Env: KAFKA_TOPIC_ANALYTICS (default analytics_stream)")
    var analyticsTopic: String?
    @Option(name: .customLong("kafka-topic-dlq"), help: "Dead-letter topic. Env: KAFKA_TOPIC_DLQ (default <input>.dlq)")
    var dlqTopic: String?
    @Option(name: .customLong("kafka-topic-labels"), help: "Topic of Feedback outcomes (optional). Env: KAFKA_TOPIC_LABELS")
    var labelsTopic: String?
    @Option(name: .customLong("kafka-topic-scores"), help: "Topic for every breakdown (optional). Env: KAFKA_TOPIC_SCORES")
    var scoresTopic: String?
    @Option(name: .customLong("kafka-topic-changelog"), help: "Compacted topic of card states, so a card's history moves with its partition on a rebalance, or 'off'. Needs at least the input topic's partitions. Env: KAFKA_TOPIC_CHANGELOG (default <input>.changelog)")
    var changelogTopic: String?
    @Option(name: .customLong("kafka-group-id"), help: "Consumer group. Env: KAFKA_GROUP_ID (default streamify-scoring)")
    var groupID: String?
    @Option(name: .customLong("alert-level"), help: "Lowest level alerted: low|medium|high|critical. Env: KAFKA_ALERT_LEVEL (default medium)")
    var alertLevel: String?
    @Option(name: .customLong("alert-format"), help: "protobuf|json. Env: KAFKA_ALERT_FORMAT (default protobuf)")
    var alertFormat: String?
    @Option(name: .customLong("analytics-interval"), help: "Seconds per merchant-analytics window. Env: KAFKA_ANALYTICS_INTERVAL (default 10)")
    var analyticsInterval: Double?
    @Option(
        name: .customLong("analytics-max-distinct"),
        help: "Distinct merchants, categories, payment methods, devices and countries an analytics window tracks each; later new ones count as 'other' (default 10000)")
    var analyticsMaxDistinct: Int?
    @Option(
        name: .customLong("kafka-max-uncommitted"),
        help: "Input messages consumed but not yet committable (outputs not all acknowledged) at most; at the bound the Kafka door stops fetching until half are (default 200000)")
    var maxUncommitted: Int?
    @Option(name: .customLong("kafka-demo-rate"), help: "With --kafka-brokers embedded: feed the input topic this many synthetic transactions per second (0: none)")
    var demoRate: Int = 0
    @Option(name: .customShort("X"), help: "librdkafka setting key=value, repeatable (prefix consumer. or producer. for one client)")
    var settings: [String] = []

    /// The Kafka door's configuration, or `nil` when it is off.
    func makeConfiguration() throws -> KafkaDoorConfiguration? {
        var environment = ProcessInfo.processInfo.environment
        if let brokers { environment["KAFKA_BOOTSTRAP_SERVERS"] = brokers }
        guard var configuration = try KafkaDoorConfiguration.fromEnvironment(environment) else {
            if demoRate != 0 {
                throw ServerOptions.InvalidOption(description: "--kafka-demo-rate needs --kafka-brokers embedded")
            }
            return nil
        }
        if let salesTopic { configuration.inputTopic = salesTopic }
        if let fraudTopic { configuration.alertTopic = fraudTopic }
        if let analyticsTopic { configuration.analyticsTopic = analyticsTopic }
        if let dlqTopic { configuration.deadLetterTopic = dlqTopic }
        if let labelsTopic { configuration.labelsTopic = labelsTopic }
        if let scoresTopic { configuration.scoresTopic = scoresTopic }
        if let changelogTopic { configuration.setChangelog(changelogTopic) }
        if let groupID { configuration.groupID = groupID }
        if let alertLevel {
            guard let level = RiskLevel(name: alertLevel) else {
                throw ServerOptions.InvalidOption(description: "--alert-level must be low, medium, high or critical")
            }
            configuration.alertLevel = level
        }
        if let alertFormat {
            guard let format = AlertFormat(rawValue: alertFormat.lowercased()) else {
                throw ServerOptions.InvalidOption(description: "--alert-format must be protobuf or json")
            }
            configuration.alertFormat = format
        }
        if let analyticsInterval {
            guard analyticsInterval > 0, analyticsInterval <= KafkaDoorConfiguration.maximumAnalyticsIntervalSeconds else {
                throw ServerOptions.InvalidOption(
                    description: "--analytics-interval must be seconds above 0 and at most "
                        + "\(Int(KafkaDoorConfiguration.maximumAnalyticsIntervalSeconds)) (a day), got \(analyticsInterval)")
            }
            configuration.analyticsIntervalSeconds = analyticsInterval
        }
        if let analyticsMaxDistinct {
            guard analyticsMaxDistinct >= 1 else { throw ServerOptions.InvalidOption(description: "--analytics-max-distinct must be at least 1") }
            configuration.analyticsMaximumDistinct = analyticsMaxDistinct
        }
        if let maxUncommitted {
            guard maxUncommitted >= 1 else { throw ServerOptions.InvalidOption(description: "--kafka-max-uncommitted must be at least 1") }
            configuration.maximumUncommittedInputs = maxUncommitted
        }
        guard demoRate >= 0, demoRate == 0 || configuration.isEmbedded else {
            throw ServerOptions.InvalidOption(description: "--kafka-demo-rate needs --kafka-brokers embedded and a rate of 0 or more")
        }
        configuration.librdkafkaSettings += try settings.map { try KafkaDoorConfiguration.parseSetting($0) }
        return configuration
    }
}
