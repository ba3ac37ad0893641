import ArgumentParser
import KafkaDoor
import Logging
import ScoringModel

/// `kafka-throughput`: the Kafka door's consume → score → produce throughput on the mock cluster.
@main
struct KafkaThroughputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-throughput",
        abstract: "Measure the Kafka door's consume → score → produce throughput on librdkafka's mock cluster.")

    @Option(help: "Transactions to push through.") var messages: Int = 1_000_000
    @Option(help: "Input partitions.") var partitions: Int = 4
    @Option(help: "protobuf|json input.") var format: String = "protobuf"
    @Option(help: "Consumer batch size.") var batchSize: Int = 8192
    @Option(help: "Repetitions.") var runs: Int = 1
    @Option(help: "Alert level (low alerts every transaction).") var alertLevel: String = "medium"
    @Option(help: "on|off: write each card's state to the changelog topic.") var changelog: String = "on"

    func run() async throws {
        guard let inputFormat = InputFormat(rawValue: format) else { throw ValidationError("--format protobuf|json") }
        guard let level = RiskLevel(name: alertLevel) else { throw ValidationError("--alert-level low|medium|high|critical") }
        guard changelog == "on" || changelog == "off" else { throw ValidationError("--changelog on|off") }
        var logger = Logger(label: "kafka-throughput")
        logger.logLevel = .notice
        for run in 1...max(runs, 1) {
            let result = try await KafkaThroughput.run(
                messages: messages, partitions: partitions, format: inputFormat, alertLevel: level, batchSize: batchSize,
                changelog: changelog == "on", logger: logger)
            print("run \(run) format=\(format) alert-level=\(alertLevel) changelog=\(changelog) \(result)")
        }
    }
}
