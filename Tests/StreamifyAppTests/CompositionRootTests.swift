import RDKafka
import Foundation
import KafkaDoor
import Logging
import ScoringClient
import SocketDoor
import ScoringModel
import ServiceLifecycle
import StreamifyApp
import StreamifyWire
import Testing

/// The whole server built from its composition root, in-process, over real sockets.
@Suite("Composition root: the whole server in-process")
struct CompositionRootTests {
    static let start: Int64 = 1_793_628_000_000

    static func transaction(_ index: Int, card: String) -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: card, merchantID: "merchant-\(index % 5)", amountMinor: 4_500,
            currency: "USD", eventTimeMs: start + Int64(index) * 60_000,
            location: GeoPoint(latitude: 40.7128, longitude: -74.0060), country: "US", deviceID: "device-\(card)",
            merchantCategory: "5411", paymentMethod: "credit_card", channel: .cardPresent)
    }

    @Test("buildApplication scores over the Unix socket and TCP, shares one state, and shuts down cleanly")
    func socketDoor() async throws {
        let running = try await RunningApplication.start()
        let unix = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let tcp = try await ScoringClient.connect(to: .tcp(host: "127.0.0.1", port: try #require(running.addresses.tcpPort)))

        let first = try await unix.score(Self.transaction(1, card: "card-a"))
        #expect(first.transactionID == "tx-1")
        #expect(first.factors.count == RiskFactor.allCases.count)
        #expect(first.modelVersion == RiskModel.builtIn.version)
        // A label over the Unix socket (the daemon's own user) reaches the state TCP scores against.
        try await unix.send(
            Feedback(
                transactionID: "tx-1", cardID: "card-a", label: .fraud, eventTimeMs: Self.start + 60_000,
                reportedTimeMs: Self.start + 60_000))
        let after = try await tcp.score(Self.transaction(2, card: "card-a"))
        #expect(after.level >= .high)
        #expect(running.application.scoring.engine.cardsTracked == 1)
        let pong = try await tcp.ping()
        #expect(pong.cardsTracked == 1)

        try await unix.close()
        try await tcp.close()
        try await running.stop()
        let socket = try #require(running.addresses.unixSocketPath)
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file is removed at shutdown")
    }

    @Test("the Kafka door and the socket door score against the same engine")
    func kafkaAndSocketShareTheEngine() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        for topic in ["sales", "alerts", "analytics", "sales.dlq"] { try cluster.createTopic(topic, partitions: 2) }
        let producer = try KafkaRecordProducer(bootstrapServers: cluster.bootstrapServers)
        let kafkaCards = 40
        for index in 0..<kafkaCards {
            let transaction = Self.transaction(index, card: "kafka-card-\(index)")
            try producer.send(topic: "sales", key: Array(transaction.cardID.utf8), value: WireCodec.encode(transaction))
        }
        #expect(producer.flush(timeoutSeconds: 10))

        let running = try await RunningApplication.start { configuration in
            configuration.kafka = KafkaDoorConfiguration(
                brokers: cluster.bootstrapServers, inputTopic: "sales", alertTopic: "alerts", analyticsTopic: "analytics",
                groupID: "composition-root", analyticsIntervalSeconds: 0,
                librdkafkaSettings: [("session.timeout.ms", "6000"), ("consumer.fetch.wait.max.ms", "10")])
        }
        let kafkaDoor = try #require(running.application.kafkaDoor)
        let deadline = ContinuousClock.now + .seconds(30)
        while kafkaDoor.statistics.scored < kafkaCards, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(kafkaDoor.statistics.scored == kafkaCards)

        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        _ = try await client.score(Self.transaction(1_000, card: "socket-card"))
        let pong = try await client.ping()
        #expect(pong.cardsTracked == UInt64(kafkaCards + 1), "one card table behind both doors")
        try await client.close()
        try await running.stop()
    }
}
