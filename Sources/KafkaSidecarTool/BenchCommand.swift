import ArgumentParser
import KafkaSidecar
import Logging

/// `kafka-sidecar bench`: throughput on the embedded mock cluster.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure consume → score → produce throughput on the embedded mock cluster.")

    @Option(help: "Transactions to push through.") var messages: Int = 1_000_000
    @Option(help: "Input partitions.") var partitions: Int = 4
    @Option(help: "protobuf|json input.") var format: String = "protobuf"
    @Option(help: "Consumer batch size.") var batchSize: Int = 8192
    @Option(help: "Repetitions.") var runs: Int = 1

    func run() async throws {
        guard let inputFormat = InputFormat(rawValue: format) else { throw ValidationError("--format protobuf|json") }
        var logger = Logger(label: "kafka-sidecar-bench")
        logger.logLevel = .notice
        for run in 1...max(runs, 1) {
            let result = try await SidecarBenchmark.run(
                messages: messages, partitions: partitions, format: inputFormat, batchSize: batchSize, logger: logger)
            print("run \(run) format=\(format) \(result)")
        }
    }
}
