import ArgumentParser
import Foundation
import KafkaSidecar
import Logging
import ScoringModel
import ServiceLifecycle
import StreamifyWire

/// `kafka-sidecar run`: sidecar mode until SIGTERM/SIGINT, then flush, commit and exit 0.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the sidecar.")

    @Option(name: .customLong("kafka-brokers"), help: "HOST:PORT[,...] or 'embedded' (env KAFKA_BOOTSTRAP_SERVERS).")
    var brokers: String?
    @Option(name: .customLong("kafka-topic-sales"), help: "Input topic (env KAFKA_TOPIC_SALES, default sales_stream).")
    var salesTopic: String?
    @Option(name: .customLong("kafka-topic-fraud"), help: "Alert topic (env KAFKA_TOPIC_FRAUD, default fraud_alerts).")
    var fraudTopic: String?
    @Option(name: .customLong("kafka-topic-analytics"), help: "Analytics topic (env KAFKA_TOPIC_ANALYTICS, default analytics_stream).")
    var analyticsTopic: String?
    @Option(name: .customLong("kafka-topic-dlq"), help: "Dead-letter topic (env KAFKA_TOPIC_DLQ, default <input>.dlq).")
    var dlqTopic: String?
    @Option(name: .customLong("kafka-topic-labels"), help: "Feedback topic (env KAFKA_TOPIC_LABELS, optional).")
    var labelsTopic: String?
    @Option(name: .customLong("kafka-topic-scores"), help: "Topic for every breakdown (env KAFKA_TOPIC_SCORES, optional).")
    var scoresTopic: String?
    @Option(name: .customLong("kafka-group-id"), help: "Consumer group (env KAFKA_GROUP_ID, default streamify-scoring).")
    var groupID: String?
    @Option(name: .customLong("alert-level"), help: "low|medium|high|critical (env KAFKA_ALERT_LEVEL, default medium).")
    var alertLevel: String?
    @Option(name: .customLong("alert-format"), help: "protobuf|json (env KAFKA_ALERT_FORMAT, default protobuf).")
    var alertFormat: String?
    @Option(name: .customLong("analytics-interval"), help: "Seconds per analytics window (env KAFKA_ANALYTICS_INTERVAL, default 10).")
    var analyticsInterval: Double?
    @Option(name: .customShort("X"), help: "librdkafka setting key=value (prefix consumer./producer. for one client).")
    var settings: [String] = []
    @Option(name: .customLong("demo-rate"), help: "With embedded brokers: feed this many synthetic transactions/s.")
    var demoRate: Int = 0
    @Option(name: .customLong("log-level"), help: "trace|debug|info|notice|warning|error.")
    var logLevel: String = "info"

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        if let brokers { environment["KAFKA_BOOTSTRAP_SERVERS"] = brokers }
        guard var configuration = try KafkaSidecarConfiguration.fromEnvironment(environment) else {
            throw ValidationError("--kafka-brokers (or KAFKA_BOOTSTRAP_SERVERS) is required")
        }
        if let salesTopic { configuration.inputTopic = salesTopic }
        if let fraudTopic { configuration.alertTopic = fraudTopic }
        if let analyticsTopic { configuration.analyticsTopic = analyticsTopic }
        if let dlqTopic { configuration.deadLetterTopic = dlqTopic }
        if let labelsTopic { configuration.labelsTopic = labelsTopic }
        if let scoresTopic { configuration.scoresTopic = scoresTopic }
        if let groupID { configuration.groupID = groupID }
        if let alertLevel {
            guard let level = RiskLevel(name: alertLevel) else { throw ValidationError("unknown --alert-level \(alertLevel)") }
            configuration.alertLevel = level
        }
        if let alertFormat {
            guard let format = AlertFormat(rawValue: alertFormat) else { throw ValidationError("--alert-format: protobuf or json") }
            configuration.alertFormat = format
        }
        if let analyticsInterval { configuration.analyticsIntervalSeconds = analyticsInterval }
        configuration.librdkafkaSettings = try settings.map { try KafkaSidecarConfiguration.parseSetting($0) }
        // Standing alone, the sidecar runs the engine's housekeeping itself.
        configuration.housekeepingIntervalSeconds = 10

        var logger = Logger(label: "kafka-sidecar")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let demoRate = self.demoRate
        let inputTopic = configuration.inputTopic
        let feederLogger = logger
        let sidecar = KafkaSidecar(
            configuration: configuration, engine: RiskEngine(), logger: logger,
            onEmbeddedClusterStarted: { cluster in
                feederLogger.notice("Embedded Kafka cluster ready", metadata: ["bootstrap": "\(cluster.bootstrapServers)"])
                if demoRate > 0 {
                    DemoFeeder.start(bootstrap: cluster.bootstrapServers, topic: inputTopic, rate: demoRate, logger: feederLogger)
                }
            })
        let group = ServiceGroup(
            configuration: .init(services: [sidecar], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        print("final statistics: \(sidecar.statistics)")
    }
}
