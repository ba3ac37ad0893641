import RDKafka
import Foundation
import Logging
import Synchronization
import Testing
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StreamifyWire
@testable import KafkaDoor

@Suite struct EmbeddedModeTests {
    @Test(.timeLimit(.minutes(2))) func embeddedBrokersStartAMockClusterAndScoreWhatArrives() async throws {
        let configuration = KafkaDoorConfiguration(brokers: "embedded", alertLevel: .low, commitIntervalMs: 50)
        let fed = Atomic<Int>(0)
        var logger = Logger(label: "embedded-test")
        logger.logLevel = .warning
        let sidecar = KafkaDoor(
            configuration: configuration, scoring: ScoringService(engine: RiskEngine()), logger: logger,
            onEmbeddedClusterStarted: { cluster in
                // Runs before consuming starts: the topics exist, so feed them directly.
                guard let producer = try? KafkaRecordProducer(bootstrapServers: cluster.bootstrapServers) else { return }
                for transaction in WorldTransactions.make(count: 500, seed: 5, cards: 50) {
                    try? producer.send(topic: "sales_stream", key: Array(transaction.cardID.utf8), value: WireCodec.encode(transaction))
                }
                if producer.flush(timeoutSeconds: 10), producer.failed == 0 { fed.store(producer.delivered, ordering: .releasing) }
            })
        let task = Task(executorPreference: DedicatedThreadsExecutor.shared) { try await sidecar.run() }
        let deadline = Date().addingTimeInterval(60)
        // Two outputs each: the alert, and the card's state in the changelog.
        while sidecar.statistics.acknowledged < 1000, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        sidecar.requestGracefulStop()
        try await task.value
        #expect(fed.load(ordering: .acquiring) == 500)
        let statistics = sidecar.statistics
        #expect(statistics.scored == 500)
        #expect(statistics.alerted == 500, "alert level low alerts everything")
        #expect(statistics.acknowledged == 1000)
    }

    @Test func passThroughSettingsTargetOneClientByPrefix() {
        var configuration = KafkaDoorConfiguration(brokers: "b:1")
        configuration.librdkafkaSettings = [
            ("security.protocol", "ssl"), ("consumer.fetch.wait.max.ms", "7"), ("producer.linger.ms", "9"),
        ]
        let consumer = KafkaClientSettings.consumer(configuration, bootstrap: "b:1")
        let producer = KafkaClientSettings.producer(configuration, bootstrap: "b:1")
        #expect(consumer.last! == ("fetch.wait.max.ms", "7"))
        #expect(consumer.contains { $0 == ("security.protocol", "ssl") })
        #expect(!consumer.contains { $0.0 == "linger.ms" || $0.0.hasPrefix("producer.") })
        #expect(producer.last! == ("linger.ms", "9"))
        #expect(producer.contains { $0 == ("security.protocol", "ssl") })
        #expect(producer.contains { $0 == ("enable.idempotence", "true") })
        #expect(!producer.contains { $0.0 == "fetch.wait.max.ms" })
    }
}
