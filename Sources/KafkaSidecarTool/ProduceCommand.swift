import ArgumentParser
import Foundation
import KafkaSidecar
import StreamifyWire

/// `kafka-sidecar produce`: feed a topic with the synthetic world, at a rate, in either format.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Produce synthetic transactions to a topic.")

    @Option(help: "HOST:PORT[,...]") var brokers: String
    @Option(help: "Topic.") var topic: String = "sales_stream"
    @Option(help: "Transactions per second (0 = as fast as possible).") var rate: Int = 0
    @Option(help: "How many.") var count: Int = 10_000
    @Option(help: "protobuf|json") var format: String = "protobuf"
    @Option(help: "Seed of the synthetic world.") var seed: UInt64 = 42
    @Option(help: "Cards in the synthetic world (with --realtime, keep rate/cards low or velocity dominates).")
    var cards: Int = 1000
    @Option(name: .customShort("X"), help: "librdkafka setting key=value.") var settings: [String] = []
    @Flag(help: "Stamp each transaction with the wall clock at send time (for end-to-end latency).")
    var realtime = false
    @Option(help: "Write the ids of the transactions made anomalous to this file (ground truth for watch).")
    var truth: String?

    func run() async throws {
        guard let inputFormat = InputFormat(rawValue: format) else { throw ValidationError("--format protobuf|json") }
        let producer = try KafkaRecordProducer(
            bootstrapServers: brokers, settings: try settings.map { try KafkaSidecarConfiguration.parseSetting($0) })
        var traffic = DemoTraffic(seed: seed, cardCount: cards)
        var anomalous: [String] = []
        let start = Date()
        for index in 0..<count {
            if rate > 0 {
                let due = start.addingTimeInterval(Double(index) / Double(rate))
                let wait = due.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            }
            var (transaction, isAnomalous) = traffic.nextTransaction()
            if realtime { transaction.eventTimeMs = Int64(Date().timeIntervalSince1970 * 1000) }
            if isAnomalous { anomalous.append(transaction.transactionID) }
            let value = inputFormat == .json ? Array(DemoTraffic.json(transaction).utf8) : WireCodec.encode(transaction)
            try producer.send(topic: topic, key: Array(transaction.cardID.utf8), value: value)
        }
        let flushed = producer.flush(timeoutSeconds: 60)
        if let truth {
            try (anomalous.joined(separator: "\n") + "\n").write(toFile: truth, atomically: true, encoding: .utf8)
        }
        let seconds = Date().timeIntervalSince(start)
        print(
            "produced \(producer.delivered) of \(count) (\(producer.failed) failed, flushed: \(flushed), "
                + "\(anomalous.count) anomalous) in \(String(format: "%.2f", seconds))s")
        if !flushed || producer.failed > 0 { throw ExitCode.failure }
    }
}
