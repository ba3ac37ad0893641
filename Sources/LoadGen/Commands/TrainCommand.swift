import ArgumentParser
import Foundation
import ScoringModel

/// `loadgen train`: fits a logistic model file to labelled traffic.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit a logistic model file (combiner \"logistic\") to labelled transactions.",
        discussion: """
            Plays the synthetic world (or a `loadgen generate` file) through an in-process engine exactly as the daemon would \
            see it, with fraud outcomes fed back after their delay, keeps every transaction's feature vector with its ground \
            truth, and fits L2-regularised logistic regression by Newton's method. Alert thresholds are set where the alerts \
            at or above each level reach a target precision on the training traffic.

            Deploy the file with scoring-server --model FILE and the same --outcome-maturity and --outcome-delay.
            Example: loadgen train --seed 7 --days 21 --output model.json
            """)

    @Option(name: .shortAndLong, help: "Model file to write.")
    var output: String

    @Option(help: "The model's version (default: trained-<seed>-<days>d, or trained-<file name>).")
    var version: String?

    @Option(help: "L2 penalty per coefficient.")
    var l2: Double = 1e-3

    @Option(help: "Weight of a fraud sample relative to a legitimate one.")
    var fraudWeight: Double = 1

    @Option(help: "Share of the training data's information kept as each coefficient's precision: how firmly online learning holds what training learned (1: fully).")
    var confidence: Double = 0.1

    @Option(help: "Target precision of alerts at or above medium, high and critical, comma-separated.")
    var targetPrecision: String = "0.35,0.75,0.95"

    @Option(help: "Write a JSON summary of the training run here.")
    var summary: String?

    @OptionGroup var traffic: LabelledTrafficOptions

    func validate() throws {
        guard l2 >= 0, l2 <= 10 else { throw ValidationError("--l2 must be within 0...10") }
        guard confidence > 0, confidence <= 1 else { throw ValidationError("--confidence must be within (0, 1]") }
        guard fraudWeight > 0, fraudWeight <= 1_000 else { throw ValidationError("--fraud-weight must be within (0, 1000]") }
        _ = try calibration()
        if let version {
            guard !version.isEmpty, version.utf8.count <= 64 else { throw ValidationError("--version must be 1 to 64 bytes") }
        }
    }

    func calibration() throws -> ThresholdCalibration {
        let values = targetPrecision.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3, values.allSatisfy({ $0 > 0 && $0 <= 1 }), values[0] <= values[1], values[1] <= values[2] else {
            throw ValidationError("--target-precision must be three increasing shares in (0, 1], such as 0.35,0.75,0.95")
        }
        return ThresholdCalibration(mediumPrecision: values[0], highPrecision: values[1], criticalPrecision: values[2])
    }

    func run() throws {
        let (replay, source) = try traffic.replay()
        let defaultVersion =
            traffic.input.map { "trained-" + URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            ?? "trained-\(traffic.world == "terminal" ? "terminal-" : "")\(traffic.worldOptions.seed)-\(ReportFormatting.decimal(traffic.days, digits: 0))d"
        var training = ModelTraining(
            replay: replay, source: source, outcomes: try traffic.outcomeSettings(),
            trainer: LogisticTrainer(l2: l2, positiveWeight: fraudWeight, confidence: confidence), calibration: try calibration(),
            version: version ?? String(decoding: defaultVersion.utf8.prefix(64), as: UTF8.self))
        let started = ContinuousClock.now
        let (model, summary) = try training.run()
        try model.encodedJSON().write(to: URL(fileURLWithPath: output), options: .atomic)
        if let path = self.summary {
            try ReportFormatting.json(summary).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        typealias F = ReportFormatting
        let elapsed = (ContinuousClock.now - started) / .seconds(1)
        print("""
            trained \(summary.version) on \(source)
              \(F.grouped(summary.transactions)) transactions (\(F.grouped(summary.fraudTransactions)) fraud), \
            \(F.grouped(summary.labelsReported)) labels; fit in \(F.decimal(summary.fitSeconds, digits: 1)) s, \
            \(F.decimal(elapsed, digits: 1)) s in all; \(summary.nonZeroCoefficients) non-zero coefficients
              on the training traffic: ROC AUC \(F.decimal(summary.trainingROCAUC, digits: 4)), \
            average precision \(F.decimal(summary.trainingAveragePrecision, digits: 4))
            """)
        for (name, level) in zip(["medium", "high", "critical"], summary.levels) {
            print(
                "  \(name) ≥ \(F.decimal(Double(level.threshold), digits: 4)): precision \(F.percent(level.precision)), recall \(F.percent(level.recall))"
            )
        }
        print("wrote \(output)")
    }
}
