import StreamifyWire
import RDKafka
import ScoringModel

/// Everything the Kafka door needs: where Kafka is, which topics, what to publish.
///
/// The daemon's command line maps its `--kafka-*` flags and `KAFKA_*` environment variables
/// onto this; `fromEnvironment(_:)` reads the environment directly.
public struct KafkaDoorConfiguration: Sendable {
    /// The value of `brokers` that starts librdkafka's in-process mock cluster instead.
    public static let embeddedBrokers = "embedded"

    /// `host:port[,host:port...]`, or `"embedded"`.
    public var brokers: String
    /// Transactions in (`Transaction` protobuf or the Python producers' JSON).
    public var inputTopic: String
    /// `FraudAlert`s out, keyed by card id.
    public var alertTopic: String
    /// Merchant-analytics JSON records out, one per window.
    public var analyticsTopic: String
    /// Where undecodable or invalid input goes; `nil` means `<inputTopic>.dlq`.
    public var deadLetterTopic: String?
    /// Optional topic of `Feedback` protobufs (confirmed outcomes) to learn from.
    public var labelsTopic: String?
    /// Optional topic that receives every breakdown, alerting or not.
    public var scoresTopic: String?
    /// The compacted topic each card's state is written to after each of its transactions, so
    /// it moves with its partition (`CardChangelogRecord`); `nil` means `<inputTopic>.changelog`.
    public var changelogTopic: String?
    /// Whether card states are written to and restored from `effectiveChangelogTopic`.
    public var keepsChangelog: Bool = true
    /// The consumer group to join; instances in one group share the input partitions.
    public var groupID: String
    /// Transactions at or above this level are alerted.
    public var alertLevel: RiskLevel
    /// How alerts and score records are encoded.
    public var alertFormat: AlertFormat
    /// Length of an analytics window, in seconds; 0 turns analytics off.
    public var analyticsIntervalSeconds: Double
    /// The longest analytics window the options take: a day. A window keeps what it counts in
    /// memory until it closes, and its end is counted in milliseconds.
    public static let maximumAnalyticsIntervalSeconds: Double = 86_400
    /// Distinct values each breakdown of an analytics window tracks (merchants, categories,
    /// payment methods, devices, countries); later new ones are tallied as "other"
    /// (`streamify_kafka_analytics_folded_total`).
    public var analyticsMaximumDistinct = Self.defaultAnalyticsMaximumDistinct
    /// `analyticsMaximumDistinct` unless set: a window's record stays well under a megabyte.
    public static let defaultAnalyticsMaximumDistinct = 10_000
    /// Input messages consumed whose offsets cannot be committed yet (their outputs, or an
    /// earlier message's, not all acknowledged) at most: at the bound the door pauses its
    /// partitions until half of them are (`streamify_kafka_uncommitted_inputs`). Each holds a
    /// place in the offset ledger and, with a state directory, its outcome for a resend.
    public var maximumUncommittedInputs = Self.defaultMaximumUncommittedInputs
    /// `maximumUncommittedInputs` unless set: far more than a healthy broker leaves waiting,
    /// about 100 MB of outcomes kept for resending at the most.
    public static let defaultMaximumUncommittedInputs = 200_000
    /// How long a revocation (and a stop) waits for the acknowledgements of outputs already sent
    /// before it commits what is acknowledged and gives the partitions up; what is not
    /// acknowledged by then is consumed again by the next owner.
    public var outputFlushTimeout: Duration = .seconds(30)
    /// librdkafka settings passed through to both clients (`-X key=value`), applied last.
    public var librdkafkaSettings: [(String, String)]
    /// Messages taken from the consumer per batch.
    public var batchSize: Int
    /// How often completed offsets are committed, in milliseconds.
    public var commitIntervalMs: Int
    /// Partitions of topics created on the embedded cluster.
    public var embeddedPartitions: Int

    /// Creates a value with every field given.
    public init(
        brokers: String,
        inputTopic: String = "sales_stream",
        alertTopic: String = "fraud_alerts",
        analyticsTopic: String = "analytics_stream",
        deadLetterTopic: String? = nil,
        labelsTopic: String? = nil,
        scoresTopic: String? = nil,
        groupID: String = "streamify-scoring",
        alertLevel: RiskLevel = .medium,
        alertFormat: AlertFormat = .protobuf,
        analyticsIntervalSeconds: Double = 10,
        librdkafkaSettings: [(String, String)] = [],
        batchSize: Int = 4096,
        commitIntervalMs: Int = 200,
        embeddedPartitions: Int = 4
    ) {
        self.brokers = brokers
        self.inputTopic = inputTopic
        self.alertTopic = alertTopic
        self.analyticsTopic = analyticsTopic
        self.deadLetterTopic = deadLetterTopic
        self.labelsTopic = labelsTopic
        self.scoresTopic = scoresTopic
        self.groupID = groupID
        self.alertLevel = alertLevel
        self.alertFormat = alertFormat
        self.analyticsIntervalSeconds = analyticsIntervalSeconds
        self.librdkafkaSettings = librdkafkaSettings
        self.batchSize = batchSize
        self.commitIntervalMs = commitIntervalMs
        self.embeddedPartitions = embeddedPartitions
    }

    /// The dead-letter topic in effect.
    public var effectiveDeadLetterTopic: String { deadLetterTopic ?? "\(inputTopic).dlq" }

    /// The changelog topic in effect; `nil` when `keepsChangelog` is off.
    public var effectiveChangelogTopic: String? { keepsChangelog ? changelogTopic ?? "\(inputTopic).changelog" : nil }

    /// Sets the changelog topic from a flag or variable: a name, or `off`.
    public mutating func setChangelog(_ value: String) {
        keepsChangelog = value.lowercased() != "off"
        changelogTopic = keepsChangelog ? value : nil
    }

    /// Whether `brokers` asks for the in-process mock cluster.
    public var isEmbedded: Bool { brokers == Self.embeddedBrokers }

    /// Reads `KAFKA_BOOTSTRAP_SERVERS` (required; `nil` without it), `KAFKA_TOPIC_SALES`,
    /// `KAFKA_TOPIC_FRAUD`, `KAFKA_TOPIC_ANALYTICS`, `KAFKA_TOPIC_DLQ`, `KAFKA_TOPIC_LABELS`,
    /// `KAFKA_TOPIC_SCORES`, `KAFKA_TOPIC_CHANGELOG` (a name or `off`), `KAFKA_GROUP_ID`, `KAFKA_ALERT_LEVEL` (low|medium|high|critical),
    /// `KAFKA_ALERT_FORMAT` (protobuf|json), `KAFKA_ANALYTICS_INTERVAL` (seconds).
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> Self? {
        guard let brokers = environment["KAFKA_BOOTSTRAP_SERVERS"], !brokers.isEmpty else { return nil }
        var configuration = Self(brokers: brokers)
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let topic = value("KAFKA_TOPIC_SALES") { configuration.inputTopic = topic }
        if let topic = value("KAFKA_TOPIC_FRAUD") { configuration.alertTopic = topic }
        if let topic = value("KAFKA_TOPIC_ANALYTICS") { configuration.analyticsTopic = topic }
        configuration.deadLetterTopic = value("KAFKA_TOPIC_DLQ")
        configuration.labelsTopic = value("KAFKA_TOPIC_LABELS")
        configuration.scoresTopic = value("KAFKA_TOPIC_SCORES")
        if let changelog = value("KAFKA_TOPIC_CHANGELOG") { configuration.setChangelog(changelog) }
        if let group = value("KAFKA_GROUP_ID") { configuration.groupID = group }
        if let text = value("KAFKA_ALERT_LEVEL") {
            guard let level = RiskLevel(name: text) else { throw ConfigurationError("KAFKA_ALERT_LEVEL: unknown level \(text)") }
            configuration.alertLevel = level
        }
        if let text = value("KAFKA_ALERT_FORMAT") {
            guard let format = AlertFormat(rawValue: text.lowercased()) else {
                throw ConfigurationError("KAFKA_ALERT_FORMAT: expected protobuf or json, got \(text)")
            }
            configuration.alertFormat = format
        }
        if let text = value("KAFKA_ANALYTICS_INTERVAL") {
            guard let seconds = Double(text), seconds >= 0, seconds <= maximumAnalyticsIntervalSeconds else {
                throw ConfigurationError(
                    "KAFKA_ANALYTICS_INTERVAL: expected seconds from 0 (off) to \(Int(maximumAnalyticsIntervalSeconds)), got \(text)")
            }
            configuration.analyticsIntervalSeconds = seconds
        }
        return configuration
    }

    /// Parses one `-X key=value` argument.
    public static func parseSetting(_ argument: String) throws(ConfigurationError) -> (String, String) {
        guard let setting = LibrdkafkaSetting.parse(argument) else {
            throw ConfigurationError("expected key=value, got \(argument)")
        }
        return setting
    }
}

/// A configuration value that cannot be used.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// An error that prints as `description`.
    public init(_ description: String) { self.description = description }
}
