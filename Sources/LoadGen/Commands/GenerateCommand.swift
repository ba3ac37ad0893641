import SyntheticWorld
import ArgumentParser
import Foundation

/// `loadgen generate`: writes the synthetic stream to a file, with its labels.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write N transactions (and due feedback) with their ground truth to a file.",
        discussion: """
            --format frames (default) writes length-prefixed streamify.v1.Request frames, exactly as sent on the wire, and the labels to a sidecar (default FILE.labels.jsonl: one {"transaction_id", "fraud", "scenario"} object a line). --format jsonl writes one JSON object a line with the label inline. `loadgen replay FILE` plays either back.
            """)

    @Option(help: "Transactions to write.")
    var count: Int

    @Option(name: .shortAndLong, help: "Output file.")
    var output: String

    @Option(help: "frames or jsonl.")
    var format: String = "frames"

    @Option(help: "Labels sidecar for --format frames (default: OUTPUT.labels.jsonl).")
    var labels: String?

    @Option(help: "Transactions per second the event times are paced for (with --speedup).")
    var rate: Double = 2_000

    @OptionGroup var world: WorldOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard WorkloadFileFormat(rawValue: format) != nil else { throw ValidationError("--format must be frames or jsonl") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
    }

    func run() throws {
        let format = WorkloadFileFormat(rawValue: format)!
        let labelsPath = format == .frames ? (labels ?? WorkloadFileFormat.defaultLabelsPath(for: output)) : nil
        let summary = try Self.generate(
            configuration: try world.configuration(transactionsPerSecond: rate), count: count, path: output,
            format: format, labelsPath: labelsPath)
        print(summary)
    }

    /// Writes `count` transactions; returns a one-line summary.
    static func generate(
        configuration: WorldConfiguration, count: Int, path: String, format: WorkloadFileFormat, labelsPath: String?
    ) throws -> String {
        let started = ContinuousClock.now
        var stream = TransactionStream(configuration: configuration)
        let writer = try WorkloadFileWriter(path: path, format: format, labelsPath: labelsPath)
        var transactions = 0
        var fraud = 0
        var feedback = 0
        while transactions < count {
            let item = stream.next()
            try writer.write(item)
            switch item {
            case .transaction(let labelled):
                transactions += 1
                if labelled.truth.isFraud { fraud += 1 }
            case .feedback:
                feedback += 1
            }
        }
        try writer.close()
        let seconds = (ContinuousClock.now - started).seconds
        return "wrote \(ReportFormatting.grouped(transactions)) transactions (\(ReportFormatting.grouped(fraud)) fraud) and "
            + "\(ReportFormatting.grouped(feedback)) feedback to \(path)\(labelsPath.map { " (labels: \($0))" } ?? "") "
            + String(format: "in %.2f s (%.0f transactions/s)", seconds, Double(transactions) / max(seconds, 1e-9))
    }
}
