import Foundation
import Logging
import ScoringEngine
import ScoringModel
import StreamifyWire

/// Measures consume → score → produce throughput on the embedded mock cluster.
///
/// Fills the input topic first, then starts a sidecar and times from its first consumed
/// message until every input was consumed and every output it caused was acknowledged.
/// The mock brokers run in the same process, so they share the CPU with the sidecar.
public enum SidecarBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var messages: Int
        public var alerts: Int
        public var deadLetters: Int
        public var fillSeconds: Double
        public var processSeconds: Double
        public var messagesPerSecond: Double { Double(messages) / processSeconds }

        public var description: String {
            "messages=\(messages) alerts=\(alerts) dead-letters=\(deadLetters) "
                + "fill=\(String(format: "%.2f", fillSeconds))s process=\(String(format: "%.2f", processSeconds))s "
                + "throughput=\(Int(messagesPerSecond)) msg/s (consume+score+produce+ack)"
        }
    }

    public static func run(
        messages: Int, partitions: Int = 4, format: InputFormat = .protobuf, alertLevel: RiskLevel = .medium,
        batchSize: Int = 8192, logger: Logger
    ) async throws -> Result {
        // The mock broker keeps at most ~5 MB per partition (older data is dropped), so spread the
        // pre-filled input over enough partitions to keep every message.
        var generator = DemoTraffic(seed: 11, cardCount: 100_000, anomalyRate: 0.02)
        var sample = generator.nextTransaction().transaction
        sample.transactionID = "tx-10000000"
        let sampleSize = format == .json ? DemoTraffic.json(sample).utf8.count : WireCodec.encode(sample).count
        let partitions = max(partitions, (messages * (sampleSize + 80)) / (3 << 20) + 1)
        let cluster = try KafkaMockCluster(brokers: 1)
        let configuration = KafkaSidecarConfiguration(
            brokers: cluster.bootstrapServers, inputTopic: "bench_sales", alertTopic: "bench_alerts",
            analyticsTopic: "bench_analytics", groupID: "bench", alertLevel: alertLevel, analyticsIntervalSeconds: 10,
            batchSize: batchSize)
        for topic in [configuration.inputTopic, configuration.alertTopic, configuration.analyticsTopic,
                      configuration.effectiveDeadLetterTopic] {
            try cluster.createTopic(topic, partitions: partitions)
        }

        let fillStart = Clock.monotonicNanoseconds()
        let producer = try KafkaRecordProducer(bootstrapServers: cluster.bootstrapServers)
        var traffic = DemoTraffic(seed: 11, cardCount: 100_000, anomalyRate: 0.02)
        for _ in 0..<messages {
            let (transaction, _) = traffic.nextTransaction()
            let value = format == .json ? Array(DemoTraffic.json(transaction).utf8) : WireCodec.encode(transaction)
            try producer.send(topic: configuration.inputTopic, key: Array(transaction.cardID.utf8), value: value)
        }
        guard producer.flush(timeoutSeconds: 120), producer.failed == 0 else {
            throw KafkaError(code: -1, message: "could not fill the input topic")
        }
        let fillSeconds = Double(Clock.monotonicNanoseconds() - fillStart) / 1e9
        logger.notice(
            "input topic filled", metadata: ["messages": "\(messages)", "partitions": "\(partitions)", "seconds": "\(fillSeconds)"])

        let sidecar = KafkaSidecar(configuration: configuration, scoring: ScoringService(engine: RiskEngine()), logger: logger)
        let task = Task { try await sidecar.run() }
        var started: UInt64 = 0
        var finished: UInt64 = 0
        let deadline = Clock.monotonicNanoseconds() + 600_000_000_000
        var nextReport = Clock.monotonicNanoseconds() + 5_000_000_000
        while Clock.monotonicNanoseconds() < deadline {
            let statistics = sidecar.statistics
            if Clock.monotonicNanoseconds() > nextReport {
                logger.notice("benchmark progress", metadata: ["statistics": "\(statistics)"])
                nextReport += 5_000_000_000
            }
            if started == 0, statistics.consumed > 0 { started = Clock.monotonicNanoseconds() }
            if statistics.consumed >= messages, statistics.acknowledged >= statistics.alerted + statistics.deadLettered {
                finished = Clock.monotonicNanoseconds()
                break
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        sidecar.requestGracefulStop()
        try await task.value
        guard finished > 0 else { throw KafkaError(code: -1, message: "benchmark did not finish in time") }
        let statistics = sidecar.statistics
        return Result(
            messages: messages, alerts: statistics.alerted, deadLetters: statistics.deadLettered, fillSeconds: fillSeconds,
            processSeconds: Double(finished - started) / 1e9)
    }
}
