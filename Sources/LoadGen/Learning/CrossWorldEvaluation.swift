import Foundation
import ScoringModel
import ScoringClient
import SyntheticWorld

/// The cross-world matrix: how models built beside one world do on another.
///
/// Two worlds designed apart (`World`, the city world; `TerminalWorld`). On each, measured over
/// its last weeks: the hand-set model; the daemon's default (the hand-set champion with a
/// challenger learning online from the first label, no model file); a model trained on the
/// *other* world's first weeks, frozen and online; one trained on this world's own first weeks;
/// and a reference logistic regression on standard windowed features fitted on this world's
/// own labelled first weeks.
struct CrossWorldEvaluation {
    /// One world: how to play it and how its weeks divide.
    struct Plan: Sendable {
        var name: String
        var description: String
        /// A fresh stream of the world from its start.
        var stream: @Sendable () -> any WorkloadSource
        var startMs: Int64
        var days: Int
        /// Measured from this day on; trained on the days before.
        var measureFromDay: Int
        /// Chargebacks arrive this many days after the fraud; unlabelled transactions mature a day later.
        var labelDelayDays: Int

        var endMs: Int64 { startMs + Int64(days) * 86_400_000 }
        var measureFromMs: Int64 { startMs + Int64(measureFromDay) * 86_400_000 }
        var feedbackDelayMs: Int64 { Int64(labelDelayDays) * 86_400_000 }
        var outcomes: OutcomeSettings {
            OutcomeSettings(maturitySeconds: UInt32(labelDelayDays + 1) * 86_400, merchantDelayDays: labelDelayDays)
        }

        /// A replay of the whole span, or of the training weeks only.
        func replay(trainingOnly: Bool = false) -> OfflineReplay {
            OfflineReplay(source: stream(), endMs: trainingOnly ? measureFromMs : endMs)
        }
    }

    var plans: [Plan]
    var cardsPerDay = 100
    /// The worlds measured (every plan is trained on).
    var measured: Set<String> = ["city", "terminal"]

    /// The city world: 28 days, chargebacks after 3 days; trained on the first 14, measured on the last 14.
    static func city(seed: UInt64) -> Plan {
        var configuration = WorldConfiguration(
            seed: seed, cardCount: WorldOptions.defaultCardCount(transactionsPerSecond: 2_000, speedup: 3_600),
            transactionsPerSecond: 2_000, feedbackDelayMs: 3 * 86_400_000)
        configuration.merchantCount = max(2_000, configuration.cardCount / 10)
        let world = configuration
        return Plan(
            name: "city", description: "city world, seed \(seed), 28 days, fraud labels after 3 d",
            stream: { TransactionStream(configuration: world) }, startMs: world.startTimeMs, days: 28, measureFromDay: 14,
            labelDelayDays: 3)
    }

    /// The terminal world: 91 days, chargebacks after 7 days; trained on the first 49, measured on the last 42.
    static func terminal(seed: UInt64) -> Plan {
        let world = TerminalWorldConfiguration(seed: seed, feedbackDelayMs: 7 * 86_400_000)
        return Plan(
            name: "terminal", description: "terminal world, seed \(seed), 91 days, fraud labels after 7 d",
            stream: { TerminalStream(configuration: world) }, startMs: world.startTimeMs, days: 91, measureFromDay: 49,
            labelDelayDays: 7)
    }

    /// The daemon's answers for `plan`, played through its socket at `target` at full speed: a
    /// row beside the in-process ones. Start the daemon fresh, with the plan's outcome settings.
    func daemonRow(_ plan: Plan, target: ScoringTarget) async throws -> SocketEvaluation.Outcome {
        var source = plan.stream()
        let evaluation = SocketEvaluation(
            target: target, tls: nil, name: "daemon over \(target) (default, full speed)",
            measureFromMs: plan.measureFromMs, endMs: plan.endMs,
            cardsPerDay: cardsPerDay)
        return try await evaluation.run(source: &source)
    }

    /// Trains on each world's first weeks, then evaluates every world; prints progress to `log`.
    func run(log: (String) -> Void) throws -> CrossWorldReport {
        var trained: [String: RiskModel] = [:]
        for plan in plans {
            var training = ModelTraining(
                replay: plan.replay(trainingOnly: true), source: plan.description, outcomes: plan.outcomes,
                trainer: LogisticTrainer(confidence: 0.1), version: "trained-\(plan.name)")
            let started = ContinuousClock.now
            trained[plan.name] = try training.run().model
            log("trained on the \(plan.name) world's first \(plan.measureFromDay) days in \(Self.seconds(since: started)) s")
        }
        var worlds: [EvaluationReport] = []
        for plan in plans where measured.contains(plan.name) {
            var contenders: [ModelEvaluation.Contender] = [
                .init(name: "hand-set, frozen", model: .builtIn, learning: false),
                .init(name: "default: hand-set champion + online challenger", model: .builtIn, learning: true),
            ]
            for other in plans where other.name != plan.name {
                contenders.append(.init(name: "trained on \(other.name), frozen", model: trained[other.name]!, learning: false))
                contenders.append(.init(name: "trained on \(other.name), online", model: trained[other.name]!, learning: true))
            }
            contenders.append(.init(name: "trained on \(plan.name) (own first weeks), frozen", model: trained[plan.name]!, learning: false))
            var evaluation = ModelEvaluation(
                replay: plan.replay(), source: plan.description + ", measured from day \(plan.measureFromDay)",
                contenders: contenders, outcomes: plan.outcomes, cardsPerDay: cardsPerDay, measureFromMs: plan.measureFromMs,
                reference: .init(labelDelayMs: plan.feedbackDelayMs))
            let started = ContinuousClock.now
            worlds.append(try evaluation.run())
            log("evaluated on the \(plan.name) world in \(Self.seconds(since: started)) s")
        }
        return CrossWorldReport(worlds: worlds)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> String {
        ReportFormatting.decimal((ContinuousClock.now - start) / .seconds(1), digits: 1)
    }
}

/// The cross-world matrix as measured: one evaluation per world.
struct CrossWorldReport: Sendable, Codable {
    var worlds: [EvaluationReport]

    /// Every cell: world, model, ROC AUC, average precision, card precision@k.
    var matrix: String {
        typealias F = ReportFormatting
        var rows = [["world", "model", "ROC AUC", "avg precision", "card prec@k/day", "final version"]]
        for world in worlds {
            for contender in world.contenders {
                rows.append([
                    world.source.split(separator: ",").first.map(String.init) ?? world.source, contender.name,
                    F.decimal(contender.rocAUC, digits: 4), F.decimal(contender.averagePrecision, digits: 4),
                    F.decimal(contender.cardPrecisionAtK, digits: 4), contender.endVersion,
                ])
            }
        }
        return F.table(rows)
    }
}
