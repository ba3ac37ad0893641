import ArgumentParser
import Foundation
import ScoringClient
import ScoringModel

/// `loadgen evaluate`: compares the hand-set model with a trained one, frozen and learning online.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compare the hand-set model with a trained model, frozen and learning online, on held-out traffic.",
        discussion: """
            Plays a world with a different seed from training (or a `loadgen generate` file) in event-time order through one \
            in-process engine per model, with fraud outcomes fed back after their delay; transactions with no fraud label \
            after --outcome-maturity count as legitimate for the learner. Reports ROC AUC and average precision over all \
            transactions, card precision@k per day (each day the top k cards by their highest score, the share with fraud that \
            day, averaged over days), alert precision and recall, and per-scenario recall before and after the scenario's \
            first label arrived.

            Example: loadgen evaluate --model model.json --seed 43 --days 21 --scenarios all

            With --cross-world (no --model): trains on the first weeks of two worlds designed apart (the city world and the \
            terminal world) and measures on each world's last weeks the hand-set model, the daemon's default (hand-set \
            champion with a challenger learning online from the first label), models trained on the other world (frozen and \
            online) and on the same world, and a reference logistic regression on 15 standard windowed features fitted on \
            the world's own labelled first weeks. Example: loadgen evaluate --cross-world --seed 43
            """)

    @Option(help: "The trained model file (not with --cross-world).")
    var model: String?

    @Flag(help: "Report the cross-world matrix instead (see above); uses --seed, --cards-per-day and --report.")
    var crossWorld = false

    @Option(help: "With --cross-world: the worlds measured, comma-separated (both are trained on either way).")
    var measure: String = "city,terminal"

    @Option(
        help: ArgumentHelp(
            "With --cross-world and one --measure world: also stream that world through the daemon at this address (unix:PATH or tcp:HOST:PORT) at full speed and measure its answers.",
            discussion: "Start the daemon fresh with that world's outcome settings and no admission shedding: city --outcome-maturity 4d --outcome-delay 3d; terminal --outcome-maturity 8d --outcome-delay 7d; both --max-queue-delay off."))
    var target: String?

    @Option(help: "The model to compare against (default: the built-in hand-set weights).")
    var baseline: String?

    @Option(help: "Cards an analyst team reviews per day (card precision@k).")
    var cardsPerDay: Int = 100

    @Option(help: "The online learner's starting step size (the daemon's default: 0.05).")
    var learningRate: Double?

    @Option(help: "The online learner's weight of a fraud label relative to a legitimate one.")
    var learningFraudWeight: Double?

    @Option(help: "Write the report as JSON here.")
    var report: String?

    @Flag(help: "Exit 1 unless the trained model beats the baseline on ROC AUC, average precision and card precision, frozen and online.")
    var requireImprovement = false

    @OptionGroup var traffic: LabelledTrafficOptions

    func validate() throws {
        guard cardsPerDay >= 1 else { throw ValidationError("--cards-per-day must be at least 1") }
        if let target {
            guard crossWorld, !measure.contains(",") else {
                throw ValidationError("--target needs --cross-world and one --measure world (one fresh daemon per world)")
            }
            do { _ = try ScoringTarget(parsing: target) } catch { throw ValidationError("--target: \(error)") }
        }
        guard crossWorld == (model == nil) else {
            throw ValidationError(crossWorld ? "--cross-world trains its own models: leave out --model" : "--model is required")
        }
        if let learningRate, !(learningRate > 0 && learningRate <= LearningConfiguration.maximumLearningRate) {
            throw ValidationError("--learning-rate must be within (0, \(LearningConfiguration.maximumLearningRate)]")
        }
        if let learningFraudWeight, !(learningFraudWeight > 0 && learningFraudWeight <= 1_000) {
            throw ValidationError("--learning-fraud-weight must be within (0, 1000]")
        }
    }

    static func loadModel(_ path: String) throws -> RiskModel {
        do {
            return try RiskModel.decode(json: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ValidationError("cannot load model \(path): \(error)")
        }
    }

    func run() async throws {
        if crossWorld { return try await runCrossWorld() }
        let model = self.model ?? ""
        let trained = try Self.loadModel(model)
        guard trained.logistic != nil else {
            throw ValidationError("\(model) is not a learned model (combiner \"logistic\"); train one with loadgen train")
        }
        let baselineModel = try baseline.map(Self.loadModel) ?? RiskModel.builtIn
        var learning = LearningConfiguration()
        if let learningRate { learning.learningRate = learningRate }
        if let learningFraudWeight { learning.positiveWeight = learningFraudWeight }
        let (replay, source) = try traffic.replay()
        var evaluation = ModelEvaluation(
            replay: replay, source: source,
            contenders: [
                .init(name: baseline == nil ? "hand-set" : "baseline", model: baselineModel, learning: false),
                .init(name: "trained, frozen", model: trained, learning: false),
                .init(name: "trained, online", model: trained, learning: true),
            ],
            outcomes: try traffic.outcomeSettings(), learning: learning, cardsPerDay: cardsPerDay)
        let started = ContinuousClock.now
        let result = try evaluation.run()
        print(result.table)
        print("(\(ReportFormatting.decimal((ContinuousClock.now - started) / .seconds(1), digits: 1)) s)")
        if let report {
            try ReportFormatting.json(result).write(to: URL(fileURLWithPath: report), options: .atomic)
        }
        if requireImprovement {
            let shortfalls = result.shortfalls(against: 0)
            if !shortfalls.isEmpty {
                print("not better than the baseline: " + shortfalls.joined(separator: "; "))
                throw ExitCode(1)
            }
        }
    }

    private func runCrossWorld() async throws {
        let seed = traffic.worldOptions.seed
        let evaluation = CrossWorldEvaluation(
            plans: [CrossWorldEvaluation.city(seed: seed), CrossWorldEvaluation.terminal(seed: seed)],
            cardsPerDay: cardsPerDay, measured: Set(measure.split(separator: ",").map(String.init)))
        let started = ContinuousClock.now
        var result = try evaluation.run { print($0) }
        if let target, let plan = evaluation.plans.first(where: { $0.name == measure }), !result.worlds.isEmpty {
            let outcome = try await evaluation.daemonRow(plan, target: try ScoringTarget(parsing: target))
            print(
                "streamed the \(plan.name) world through \(target): \(ReportFormatting.grouped(outcome.transactions)) transactions "
                    + "and \(ReportFormatting.grouped(outcome.labels)) labels in \(ReportFormatting.decimal(outcome.seconds, digits: 1)) s "
                    + "(\(ReportFormatting.grouped(Int(Double(outcome.transactions) / max(outcome.seconds, 1e-9)))) tx/s), "
                    + "\(outcome.refused) refused; versions answering: \(outcome.modelVersions.count)")
            result.worlds[result.worlds.count - 1].contenders.append(outcome.result)
        }
        for world in result.worlds { print("\n" + world.table) }
        print("\ncross-world matrix (measured weeks only):\n" + result.matrix)
        print("(\(ReportFormatting.decimal((ContinuousClock.now - started) / .seconds(1), digits: 1)) s)")
        if let report {
            try ReportFormatting.json(result).write(to: URL(fileURLWithPath: report), options: .atomic)
        }
    }
}
