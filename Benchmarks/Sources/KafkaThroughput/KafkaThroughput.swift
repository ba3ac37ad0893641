import Foundation
import KafkaDoor
import Logging
import RDKafka
import ScoringEngine
import ScoringModel
import StreamifyWire
import SyntheticWorld

/// Measures the Kafka door's consume → score → produce throughput on librdkafka's mock cluster.
///
/// Fills the input topic first, then starts a Kafka door and times from its first consumed
/// message until every input was consumed and every output it caused was acknowledged.
/// The mock brokers run in the same process, so they share the CPU with the door.
enum KafkaThroughput {
    /// Monotonic time for the measurement.
    static func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    struct Result: Sendable, CustomStringConvertible {
        /// What the door counted by the time every output was acknowledged.
        var statistics: KafkaDoorStatistics
        var fillSeconds: Double
        var processSeconds: Double

        var description: String {
            let rate = Int(Double(statistics.consumed) / processSeconds)
            return "messages=\(statistics.consumed) alerts=\(statistics.alerted) dead-letters=\(statistics.deadLettered) "
                + "fill=\(String(format: "%.2f", fillSeconds))s process=\(String(format: "%.2f", processSeconds))s "
                + "throughput=\(rate) msg/s (consume+score+produce+ack)"
        }
    }

    static func run(
        messages: Int, partitions: Int = 4, format: InputFormat = .protobuf, alertLevel: RiskLevel = .medium,
        batchSize: Int = 8192, changelog: Bool = true, logger: Logger
    ) async throws -> Result {
        // The mock broker keeps at most ~5 MB per partition (older data is dropped), so spread the
        // pre-filled input over enough partitions to keep every message.
        var world = TransactionStream(
            configuration: WorldConfiguration(seed: 11, cardCount: 100_000, merchantCount: 10_000, fraudRate: 0.02))
        let input = world.nextTransactions(messages)
        let encoded = input.map { format == .json ? Array(SalesEventJSON.encode($0).utf8) : WireCodec.encode($0) }
        let sampleSize = encoded.map(\.count).max() ?? 0
        let partitions = max(partitions, (messages * (sampleSize + 80)) / (3 << 20) + 1)
        let cluster = try KafkaMockCluster(brokers: 1)
        var configuration = KafkaDoorConfiguration(
            brokers: cluster.bootstrapServers, inputTopic: "bench_sales", alertTopic: "bench_alerts",
            analyticsTopic: "bench_analytics", groupID: "bench", alertLevel: alertLevel, analyticsIntervalSeconds: 10,
            batchSize: batchSize)
        configuration.keepsChangelog = changelog
        for topic in [configuration.inputTopic, configuration.alertTopic, configuration.analyticsTopic,
                      configuration.effectiveDeadLetterTopic] + [configuration.effectiveChangelogTopic].compactMap({ $0 }) {
            try cluster.createTopic(topic, partitions: partitions)
        }

        let fillStart = Self.nowNanoseconds()
        let producer = try KafkaRecordProducer(bootstrapServers: cluster.bootstrapServers)
        for (transaction, value) in zip(input, encoded) {
            try producer.send(topic: configuration.inputTopic, key: Array(transaction.cardID.utf8), value: value)
        }
        guard producer.flush(timeoutSeconds: 120), producer.failed == 0 else {
            throw KafkaError(code: -1, message: "could not fill the input topic")
        }
        let fillSeconds = Double(Self.nowNanoseconds() - fillStart) / 1e9
        logger.notice(
            "input topic filled", metadata: ["messages": "\(messages)", "partitions": "\(partitions)", "seconds": "\(fillSeconds)"])

        let door = KafkaDoor(configuration: configuration, scoring: ScoringService(engine: RiskEngine()), logger: logger)
        let task = Task { try await door.run() }
        var started: UInt64 = 0
        var finished: UInt64 = 0
        let deadline = Self.nowNanoseconds() + 600_000_000_000
        var nextReport = Self.nowNanoseconds() + 5_000_000_000
        while Self.nowNanoseconds() < deadline {
            let statistics = door.statistics
            if Self.nowNanoseconds() > nextReport {
                logger.notice("benchmark progress", metadata: ["statistics": "\(statistics)"])
                nextReport += 5_000_000_000
            }
            if started == 0, statistics.consumed > 0 { started = Self.nowNanoseconds() }
            // Every alert and dead letter acknowledged, and with a changelog one card state per scored transaction.
            let outputs = statistics.alerted + statistics.deadLettered + (changelog ? statistics.scored : 0)
            if statistics.consumed >= messages, statistics.acknowledged >= outputs {
                finished = Self.nowNanoseconds()
                break
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        door.requestGracefulStop()
        try await task.value
        guard finished > 0 else { throw KafkaError(code: -1, message: "benchmark did not finish in time") }
        return Result(
            statistics: door.statistics, fillSeconds: fillSeconds, processSeconds: Double(finished - started) / 1e9)
    }
}
