import RDKafka
import SyntheticWorld
import ArgumentParser
import Foundation

import StreamifyWire

/// `loadgen produce`: feeds a Kafka topic with the labelled synthetic world, for the daemon's
/// sidecar mode. The ground truth and each transaction's send time go to a local JSON-lines
/// file, never to Kafka; `loadgen kafka-watch` joins it with the alerts.
struct KafkaProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce the labelled synthetic world to a Kafka topic (sidecar mode).",
        discussion: """
            loadgen produce --brokers 127.0.0.1:9092 --topic sales_stream --rate 2000 --count 100000 --format json \\
                --truth /tmp/truth.jsonl
            Records are keyed by card id (so one card stays on one partition). --format json writes the
            Python producers' sales JSON; protobuf writes streamify.v1.Transaction. Feedback items of the
            world (with --feedback-delay) go to --labels-topic when given, else are dropped.
            """)

    @Option(help: "Bootstrap servers, HOST:PORT[,...].") var brokers: String
    @Option(help: "Transactions topic.") var topic: String = "sales_stream"
    @Option(help: "Topic for Feedback protobufs (optional).") var labelsTopic: String?
    @Option(help: "Transactions per second (wall clock).") var rate: Double = 2_000
    @Option(help: "Transactions to produce.") var count: Int = 100_000
    @Option(help: "protobuf or json.") var format: String = "protobuf"
    @Option(help: "Write {transaction_id, fraud, scenario, sent_ms} per transaction to this JSON-lines file.")
    var truth: String?
    @Option(name: .customShort("X"), help: "librdkafka setting key=value, repeatable.") var settings: [String] = []
    @OptionGroup var world: WorldOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        guard format == "protobuf" || format == "json" else { throw ValidationError("--format must be protobuf or json") }
    }

    func run() async throws {
        let producer = try KafkaRecordProducer(
            bootstrapServers: brokers,
            settings: try settings.map { argument in
                guard let setting = LibrdkafkaSetting.parse(argument) else {
                    throw ValidationError("-X expects key=value, got \(argument)")
                }
                return setting
            })
        var stream = TransactionStream(configuration: try world.configuration(transactionsPerSecond: rate))
        let truthFile = try truth.map { path -> FileHandle in
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ValidationError("cannot create the truth file \(path)")
            }
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        var truthLines = ""
        let started = Date()
        var sent = 0
        var fraud = 0
        var feedback = 0
        while sent < count {
            let due = started.addingTimeInterval(Double(sent) / rate).timeIntervalSinceNow
            if due > 0.001 { try await Task.sleep(for: .seconds(due)) }
            switch stream.next() {
            case .transaction(let labelled):
                let transaction = labelled.transaction
                let value = format == "json" ? Array(SalesEventJSON.encode(transaction).utf8) : WireCodec.encode(transaction)
                let sentMs = Int64(Date().timeIntervalSince1970 * 1000)
                try producer.send(topic: topic, key: Array(transaction.cardID.utf8), value: value)
                sent += 1
                if labelled.truth.isFraud { fraud += 1 }
                if truthFile != nil {
                    truthLines += #"{"transaction_id":"\#(transaction.transactionID)","fraud":\#(labelled.truth.isFraud),"#
                        + #""scenario":"\#(labelled.truth.scenario?.rawValue ?? "")","sent_ms":\#(sentMs)}"# + "\n"
                    if truthLines.utf8.count > 1 << 16 {
                        truthFile?.write(Data(truthLines.utf8))
                        truthLines = ""
                    }
                }
            case .feedback(let report, _):
                guard let labelsTopic else { continue }
                try producer.send(topic: labelsTopic, key: Array(report.cardID.utf8), value: WireCodec.encode(report))
                feedback += 1
            }
        }
        truthFile?.write(Data(truthLines.utf8))
        try truthFile?.close()
        let flushed = producer.flush(timeoutSeconds: 60)
        let seconds = Date().timeIntervalSince(started)
        print(
            "produced \(sent) transactions (\(fraud) fraud) and \(feedback) feedback to \(topic) in "
                + String(format: "%.2f s (%.0f/s); delivered %d, failed %d", seconds, Double(sent) / seconds,
                         producer.delivered, producer.failed))
        if !flushed || producer.failed > 0 { throw ExitCode.failure }
    }
}
