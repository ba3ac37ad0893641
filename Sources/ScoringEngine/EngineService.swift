import Logging
import ScoringModel
import ServiceLifecycle

/// The engine's own lifecycle, apart from any door: housekeeping, model reloads and the learned
/// model's snapshot.
///
/// A ServiceLifecycle `Service`. `run()` expires idle state and settles outcomes every
/// `housekeepingInterval`, refreshes the engine gauges, reloads the model file on SIGHUP, and on
/// graceful shutdown writes the learned model. Start it first in the service group: services
/// stop in reverse start order, so every door has drained before the snapshot is written.
public final class EngineService: Service, Sendable {
    /// What the engine service does besides scoring.
    public struct Configuration: Sendable {
        /// How often idle state is expired, held labels released and gauges refreshed.
        public var housekeepingInterval: Duration
        /// The model file reloaded on SIGHUP; `nil` for none (the built-in model).
        public var modelPath: String?
        /// Where the online-learned model is written at shutdown; `nil` for nowhere.
        public var learningSnapshotPath: String?

        /// Creates a value with every field given.
        public init(housekeepingInterval: Duration = .seconds(30), modelPath: String? = nil, learningSnapshotPath: String? = nil) {
            self.housekeepingInterval = housekeepingInterval
            self.modelPath = modelPath
            self.learningSnapshotPath = learningSnapshotPath
        }
    }

    /// The scoring API the doors share.
    public let scoring: ScoringService
    private let configuration: Configuration
    private let logger: Logger

    /// A service for the engine behind `scoring`; nothing runs until `run()`.
    public init(scoring: ScoringService, configuration: Configuration = Configuration(), logger: Logger) {
        self.scoring = scoring
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs housekeeping (and SIGHUP reloads) until graceful shutdown, then writes the snapshot.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [scoring, configuration] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.housekeepingInterval)
                    Self.houseKeep(scoring)
                }
            }
            if let path = configuration.modelPath {
                let reloader = ModelReloader(path: path, engine: scoring.engine, logger: logger)
                tasks.addTask { await reloader.run() }
            }
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        if let path = configuration.learningSnapshotPath {
            LearningSnapshot(path: path, engine: scoring.engine, logger: logger).write()
        }
        logger.info("engine stopped", metadata: ["cards_tracked": "\(scoring.engine.cardsTracked)"])
    }

    /// One round of housekeeping: expire idle entries, settle outcomes, refresh the gauges.
    static func houseKeep(_ scoring: ScoringService) {
        scoring.engine.expireIdle()
        scoring.metrics.recordCardsTracked(scoring.engine.cardsTracked)
        scoring.metrics.recordLearning(of: scoring.engine)
    }
}
