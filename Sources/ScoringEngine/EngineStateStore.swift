import Logging
import ScoringModel
import StateStore

#if canImport(Glibc)
import Glibc
#endif

/// The engine's state in a state directory (`--state-dir`): read back at start, written as a
/// new snapshot when the engine stops.
///
/// A snapshot that is damaged (cut short, checksum wrong) is set aside and the one before it is
/// loaded; with none readable the engine starts empty, and says so. The daemon never refuses to
/// start for a damaged snapshot. A whole snapshot of another format is refused with a clear
/// error instead: loading older state in its place would silently go back in time.
public struct EngineStateStore: Sendable {
    /// The snapshot files.
    public let snapshots: SnapshotStore
    private let logger: Logger

    /// A store in `directory`, created (mode 0700) if missing.
    public init(directory: String, logger: Logger) throws {
        self.snapshots = try SnapshotStore(directory: directory)
        self.logger = logger
    }

    /// How a start went: which snapshot was loaded and what restoring it reported.
    public struct Loaded: Sendable {
        /// The snapshot whose state the engine holds; nil when it started empty.
        public var snapshot: SnapshotStore.Snapshot?
        /// What restoring found (entries that did not fit, a replaced champion).
        public var report = StateRestoreReport()
        /// Snapshots found damaged and set aside.
        public var setAside: [SnapshotStore.Snapshot] = []
    }

    /// A new engine holding the newest readable snapshot's state (empty if there is none).
    ///
    /// Throws `StateFormatError` (with `isOtherFormat`) for a whole snapshot of another format,
    /// and `StateFileError` when the directory cannot be read at all.
    public func loadEngine(configuration: EngineConfiguration, model: RiskModel) throws -> (RiskEngine, Loaded) {
        var loaded = Loaded()
        for snapshot in try snapshots.snapshots() {
            let engine = RiskEngine(configuration: configuration, model: model)
            do {
                var reader = StateReader(try snapshots.read(snapshot))
                loaded.report = try engine.restoreState(from: &reader)
                loaded.snapshot = snapshot
                log(loaded, engine: engine)
                return (engine, loaded)
            } catch let error as StateFormatError where error.isOtherFormat {
                throw StateFormatError(
                    "\(snapshot.path): \(error.description). Start this build on an empty --state-dir, or the build that wrote it",
                    isOtherFormat: true)
            } catch {
                logger.error(
                    "snapshot damaged: set aside, trying the one before",
                    metadata: ["snapshot": "\(snapshot.path)", "error": "\(error)"])
                snapshots.setAside(snapshot)
                loaded.setAside.append(snapshot)
            }
        }
        let engine = RiskEngine(configuration: configuration, model: model)
        log(loaded, engine: engine)
        return (engine, loaded)
    }

    /// Writes `engine`'s state as a new snapshot. Call it once nothing scores or labels any more
    /// (see `RiskEngine.writeState(to:)`).
    public func save(_ engine: RiskEngine) throws {
        let started = ContinuousClock.now
        var writer = StateWriter()
        engine.writeState(to: &writer)
        let payload = writer.finish()
        let snapshot = try snapshots.write(payload)
        logger.notice(
            "state written",
            metadata: [
                "snapshot": "\(snapshot.path)", "bytes": "\(payload.count)", "cards_tracked": "\(engine.cardsTracked)",
                "took": "\(ContinuousClock.now - started)",
            ])
    }

    private func log(_ loaded: Loaded, engine: RiskEngine) {
        guard let snapshot = loaded.snapshot else {
            logger.notice("no state to restore: starting empty", metadata: ["state_dir": "\(snapshots.directory)"])
            return
        }
        logger.notice(
            "state restored",
            metadata: [
                "snapshot": "\(snapshot.path)", "cards_tracked": "\(engine.cardsTracked)",
                "dropped_entries": "\(loaded.report.droppedEntries)", "dropped_labels": "\(loaded.report.droppedLabels)",
            ])
        if let replaced = loaded.report.replacedChampion {
            logger.warning(
                "the state was learned under another champion: the challenger and its scoreboard start over",
                metadata: ["state_champion": "\(replaced)", "champion": "\(engine.models.champion.version)"])
        }
    }
}
