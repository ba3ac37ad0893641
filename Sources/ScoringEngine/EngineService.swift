import Dispatch
import Logging
import Metrics
import ScoringModel
import ServiceLifecycle
import StateStore

/// The engine's own lifecycle, apart from any door: its gauges, model reloads and the learned
/// model's snapshot.
///
/// A ServiceLifecycle `Service`. `run()` refreshes the engine gauges every `gaugeInterval`,
/// reloads the model file on SIGHUP, and on graceful shutdown writes the learned model. Start it
/// first in the service group: services stop in reverse start order, so every door has drained
/// before the snapshot is written.
///
/// Nothing here changes scoring state on the wall clock: expiry, label release and learning from
/// matured outcomes run inside the engine on event time (`RiskEngine`), so a replay at any
/// speed gets the answers real time would.
public final class EngineService: Service, Sendable {
    /// What the engine service does besides scoring.
    public struct Configuration: Sendable {
        /// How often the engine gauges (cards tracked, learning) are refreshed, in wall-clock time.
        public var gaugeInterval: Duration
        /// The model file reloaded on SIGHUP; `nil` for none (the built-in model).
        public var modelPath: String?
        /// Where the online-learned model is written at shutdown; `nil` for nowhere.
        public var learningSnapshotPath: String?
        /// With a state directory: a snapshot is taken once the journal since the last one holds
        /// this many bytes (checked every `gaugeInterval`), bounding replay at the next start.
        public var snapshotJournalBytes: Int

        /// Creates a value with every field given.
        public init(
            gaugeInterval: Duration = .seconds(5), modelPath: String? = nil, learningSnapshotPath: String? = nil,
            snapshotJournalBytes: Int = 256 << 20
        ) {
            self.gaugeInterval = gaugeInterval
            self.modelPath = modelPath
            self.learningSnapshotPath = learningSnapshotPath
            self.snapshotJournalBytes = snapshotJournalBytes
        }
    }

    /// The scoring API the doors share.
    public let scoring: ScoringService
    private let configuration: Configuration
    private let stateStore: EngineStateStore?
    private let snapshots = Counter(label: "streamify_state_snapshots_total")
    /// Snapshots that failed (a full or failing disk): each leaves a longer journal to replay.
    private let snapshotFailures = Counter(label: "streamify_state_snapshot_failures_total")
    /// Failed fdatasyncs of the journal; each is followed by a snapshot (`Journal.needsSnapshot`).
    private let journalSyncFailures = Counter(label: "streamify_state_journal_sync_failures_total")
    private let snapshotDuration = Timer(label: "streamify_state_snapshot_seconds")
    /// 1 once a compaction found the journal damaged in a segment already applied (see `run()`).
    private let journalDamage = Gauge(label: "streamify_state_journal_damaged")
    /// Files set aside in the state directory (`SetAsideFiles`), and their bytes.
    private let setAsideFiles = Gauge(label: "streamify_state_set_aside_files")
    private let setAsideBytes = Gauge(label: "streamify_state_set_aside_bytes")
    private let logger: Logger

    /// A service for the engine behind `scoring`; nothing runs until `run()`. With `stateStore`
    /// (and the scoring service's `durability` from it) a snapshot is compacted from the journal
    /// whenever it has grown by `snapshotJournalBytes`, and taken once more when every door has
    /// drained.
    public init(
        scoring: ScoringService, configuration: Configuration = Configuration(), stateStore: EngineStateStore? = nil,
        logger: Logger
    ) {
        self.scoring = scoring
        self.configuration = configuration
        self.stateStore = stateStore
        self.logger = logger
    }

    /// Refreshes gauges (and reloads on SIGHUP) until graceful shutdown, then writes the snapshots.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [scoring, configuration, logger] in
                var switches = 0
                while !Task.isCancelled {
                    scoring.metrics.recordEngineGauges(of: scoring.engine)
                    switches = Self.logSwitch(of: scoring.engine, after: switches, logger: logger)
                    try? await Task.sleep(for: configuration.gaugeInterval)
                }
            }
            if let stateStore, let durability = scoring.durability {
                tasks.addTask { [configuration, journalSyncFailures, journalDamage, setAsideFiles, setAsideBytes, logger, scoring] in
                    var syncFailures = 0
                    var failedInARow = 0
                    var checksToSkip = 0
                    while !Task.isCancelled {
                        let setAside = SetAsideFiles.measure(in: stateStore.snapshots.directory)
                        setAsideFiles.record(setAside.count)
                        setAsideBytes.record(setAside.bytes)
                        try? await Task.sleep(for: configuration.gaugeInterval)
                        let journal = durability.journal
                        if journal.syncFailures > syncFailures {
                            journalSyncFailures.increment(by: journal.syncFailures - syncFailures)
                            syncFailures = journal.syncFailures
                            logger.error(
                                "an fdatasync of the state journal failed: what it covered may not be on the disk; taking a snapshot now",
                                metadata: ["failures": "\(syncFailures)", "fsync": "\(journal.fsyncPolicy)"])
                        }
                        guard !Task.isCancelled,
                            journal.needsSnapshot || journal.bytesSinceSnapshot >= configuration.snapshotJournalBytes
                        else { continue }
                        if checksToSkip > 0 {
                            checksToSkip -= 1
                            continue
                        }
                        var failure = await self.takeSnapshot(in: stateStore) { try $0.compact(durability: durability) }
                        if let damage = failure as? Journal.Damaged {
                            // Every compaction would rotate, replay and fail again, and a crash
                            // would stop the next start at the damage. The live engine holds
                            // everything: written as a snapshot (its changes paused meanwhile), it
                            // puts the damage behind the newest snapshot, where neither reaches.
                            journalDamage.record(1)
                            logger.critical(
                                "the state journal is damaged in a segment already applied; writing a snapshot from the live engine, pausing state changes for it",
                                metadata: ["damage": "\(damage)"])
                            failure = await self.takeSnapshot(in: stateStore) { [scoring] in
                                try $0.snapshotPausingChanges(scoring.engine, durability: durability)
                            }
                            if failure == nil {
                                journalDamage.record(0)
                                logger.notice("the damaged journal segment is behind the newest snapshot now; compactions go on")
                            } else {
                                // Tried again (compaction, then this repair) after the back-off
                                // below: the cause may pass (a full disk).
                                logger.critical(
                                    """
                                    no snapshot could be written over the damaged state journal; trying again later. A graceful \
                                    stop (SIGTERM) also repairs it: its snapshot is written from the live engine. Until then a \
                                    crash would lose every change after the damage
                                    """)
                            }
                        }
                        if failure == nil {
                            failedInARow = 0
                        } else {
                            // Each try rotates the journal and replays all of it: back off, 1, 2,
                            // 4… checks, up to `longestSnapshotBackoff`.
                            failedInARow += 1
                            let longest = Int(Self.longestSnapshotBackoff / configuration.gaugeInterval)
                            checksToSkip = min(1 << min(failedInARow - 1, Int.bitWidth - 2), max(longest, 1))
                        }
                    }
                }
            }
            if let path = configuration.modelPath {
                let reloader = ModelReloader(path: path, scoring: scoring, logger: logger)
                tasks.addTask { await reloader.run() }
            }
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        if let stateStore, let durability = scoring.durability {
            await takeSnapshot(in: stateStore) { [scoring] in try $0.snapshot(scoring.engine, durability: durability) }
            do {
                try durability.journal.close()
            } catch {
                logger.error("state journal not closed cleanly", metadata: ["error": "\(error)"])
            }
        }
        // After the state's last snapshot: writing the file publishes what was learned since the
        // last version as the challenger, a change no journal holds, so a restart must not start
        // from it (it would serve a version an uninterrupted daemon never had).
        if let path = configuration.learningSnapshotPath {
            LearningSnapshot(path: path, engine: scoring.engine, logger: logger).write()
        }
        logger.info("engine stopped", metadata: ["cards_tracked": "\(scoring.engine.cardsTracked)"])
    }

    /// Takes a snapshot with `take` on a thread of its own (it blocks on the disk and, compacting,
    /// on replay), counting and timing it; nil when it was written, else why not. A failure is
    /// logged and counted; the journal still holds everything, so nothing is lost by it.
    @discardableResult
    private func takeSnapshot(
        in store: EngineStateStore, _ take: @escaping @Sendable (EngineStateStore) throws -> EngineStateStore.SnapshotTaken
    ) async -> (any Error)? {
        let (snapshots, failures, duration, logger) = (self.snapshots, snapshotFailures, snapshotDuration, self.logger)
        return await withCheckedContinuation { (done: CheckedContinuation<(any Error)?, Never>) in
            DispatchQueue.global(qos: .utility).async {
                do {
                    let taken = try take(store)
                    snapshots.increment()
                    duration.record(duration: taken.took)
                    done.resume(returning: nil)
                } catch {
                    failures.increment()
                    logger.error("state snapshot failed; the journal keeps everything", metadata: ["error": "\(error)"])
                    done.resume(returning: error)
                }
            }
        }
    }

    /// The longest a compaction that failed waits before the next try.
    static let longestSnapshotBackoff = Duration.seconds(60)

    /// Logs which model answers when that changed since `seen` switches; returns the count now.
    private static func logSwitch(of engine: RiskEngine, after seen: Int, logger: Logger) -> Int {
        let switches = engine.challengerSwitches
        guard switches != seen, let quality = engine.modelQuality else { return switches }
        let models = engine.models
        logger.notice(
            models.challengerServes ? "challenger answers" : "champion answers",
            metadata: [
                "model": "\(models.servedVersion)",
                "champion_auc": "\(quality.champion.rocAUC)", "champion_ap": "\(quality.champion.averagePrecision)",
                "challenger_auc": "\(quality.challenger.rocAUC)", "challenger_ap": "\(quality.challenger.averagePrecision)",
                "frauds": "\(quality.challenger.frauds)", "legitimate": "\(quality.challenger.legitimate)",
            ])
        return switches
    }
}
