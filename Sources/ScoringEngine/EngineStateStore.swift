import Logging
import ScoringModel
import StateStore

#if canImport(Glibc)
import Glibc
#endif

/// The engine's state in a state directory (`--state-dir`): the newest snapshot plus the
/// journal of every state change since, read back at start.
///
/// Snapshot k holds the state as of the start of journal segment k; recovery loads the newest
/// readable snapshot and replays every segment from its number on, so a kill -9 loses nothing
/// that was answered. A snapshot that is damaged (cut short, checksum wrong) is set aside and
/// the one before it is loaded (with the longer journal since); with none readable the engine
/// replays the whole journal from empty. Replay stops at the first record missing: a torn or
/// corrupt journal tail is cut at its last good record, any later segment is set aside
/// unreplayed, and the loss logged. The daemon never refuses to start for either. A whole
/// snapshot or journal of another format is refused with a clear error instead, as is a
/// snapshot that cannot be read at all (permissions, I/O errors): loading older state in its
/// place would silently go back in time.
public struct EngineStateStore: Sendable {
    /// The snapshot files.
    public let snapshots: SnapshotStore
    /// When journal records are forced to the disk.
    public let fsyncPolicy: FsyncPolicy
    private let logger: Logger

    /// A store in `directory`, created (mode 0700) if missing.
    public init(directory: String, fsyncPolicy: FsyncPolicy = .interval, logger: Logger) throws {
        self.snapshots = try SnapshotStore(directory: directory)
        self.fsyncPolicy = fsyncPolicy
        self.logger = logger
    }

    /// How a start went: which snapshot was loaded and what replaying the journal found.
    public struct Loaded: Sendable {
        /// The snapshot the state started from; nil when there was none readable.
        public var snapshot: SnapshotStore.Snapshot?
        /// What restoring the snapshot found (entries that did not fit, a replaced champion).
        public var report = StateRestoreReport()
        /// Snapshots found damaged and set aside.
        public var setAside: [SnapshotStore.Snapshot] = []
        /// The journal records replayed and any tail cut off.
        public var replay = Journal.ReplayReport()
    }

    /// A new engine holding the state the directory records, and the journal to go on with.
    ///
    /// Throws `StateFormatError` (with `isOtherFormat`) for state of another format, and
    /// `StateFileError` when the directory cannot be used.
    public func open(configuration: EngineConfiguration, model: RiskModel) throws -> (RiskEngine, Durability, Loaded) {
        let unfinished = try snapshots.removeUnfinished()
        if unfinished > 0 {
            logger.notice("removed snapshots a crash left unfinished", metadata: ["files": "\(unfinished)"])
        }
        // The state's own champion (the snapshot's, then every install journalled since) is
        // the one that scored what is replayed; the model configured now comes after it.
        let (engine, inputs, rebuilt) = try rebuild(
            configuration: configuration, model: model, adoptingChampion: true, before: .max, repairing: true)
        var loaded = rebuilt
        let first = loaded.snapshot?.sequence ?? 0
        let segment = max(try Journal.segments(in: snapshots.directory).last ?? first, first)
        // The engine service takes the snapshot a failed fdatasync waits for.
        let journal = try Journal(
            directory: snapshots.directory, segment: segment, layout: EngineStateFormat.layout, fsyncPolicy: fsyncPolicy,
            syncFailureWaitsForSnapshot: true)
        // Segments an earlier run left since its last snapshot (compactions that failed) count
        // toward the next one, as they would have in that run.
        try journal.countEarlierSegments(from: first)
        let durability = Durability(journal: journal, configuration: configuration, model: model, inputs: inputs, logger: logger)
        if engine.models.champion != model {
            // The operator's new model (the file changed while the daemon was down; a reload
            // is in the journal already): installed as a reload installs it, after everything
            // the state holds, and journalled.
            loaded.report.replacedChampion = engine.models.champion.version
            durability.install(model, in: engine)
        }
        log(loaded, engine: engine, inputs: inputs)
        if loaded.snapshot == nil || loaded.report.replacedChampion != nil {
            // A snapshot now. Without one no file would say which champion the journal goes on
            // under (no record does: a new directory, every snapshot damaged, or a journal an
            // older build began), and a restart with another --model would replay under that one.
            // And after a new champion, so that a restart need not replay the state up to it.
            try snapshot(engine, durability: durability, kind: "at start")
        }
        return (engine, durability, loaded)
    }

    /// The state the directory records up to journal segment `end` (excluded), in a new engine:
    /// the newest readable snapshot, then the journal after it. Only when `repairing` (at start)
    /// is a damaged journal cut, and the segments after the damage set aside; otherwise damage
    /// throws `Journal.Damaged`, and the files stay as they are.
    private func rebuild(
        configuration: EngineConfiguration, model: RiskModel, adoptingChampion: Bool, before end: UInt64, repairing: Bool
    ) throws -> (RiskEngine, InputLedger, Loaded) {
        let (engine, inputs, snapshotLoaded) = try loadSnapshot(
            configuration: configuration, model: model, adoptingChampion: adoptingChampion, before: end)
        var loaded = snapshotLoaded
        var first = loaded.snapshot?.sequence ?? 0
        // At start only: a compaction that finds no snapshot must fail instead, so that the live
        // engine, which holds the history, is written (the engine service does), not this one.
        if repairing, loaded.snapshot == nil, let earliest = try Journal.segments(in: snapshots.directory).first, earliest > 0 {
            logger.error(
                "no readable snapshot: replaying the journal that is left onto an empty engine; the history before it is lost",
                metadata: ["first_segment": "\(earliest)"])
            // From the earliest segment kept: the ones before it went with the snapshots that
            // covered them, and are not a gap to stop at (which set every segment aside).
            first = earliest
        }
        do {
            loaded.replay = try Journal.replay(
                from: first, before: end, in: snapshots.directory, layout: EngineStateFormat.layout, repairing: repairing
            ) { kind, payload in try Self.apply(kind: kind, payload: payload, to: engine, inputs: inputs) }
        } catch let error as Journal.OtherLayout {
            throw StateFormatError(
                "\(error.description). Start this build on an empty --state-dir, or the build that wrote it", isOtherFormat: true)
        } catch let error as StateFormatError {
            // A record that passed its checksum yet is not a record: the journal is not ours to replay.
            throw StateFormatError("\(snapshots.directory): \(error.description)", isOtherFormat: true)
        }
        for cut in loaded.replay.truncated {
            logger.error(
                "journal tail cut at its last good record",
                metadata: [
                    "segment": "\(cut.segment)", "offset": "\(cut.offset)", "dropped_bytes": "\(cut.droppedBytes)",
                    "reason": "\(cut.reason)",
                ])
        }
        if !loaded.replay.setAside.isEmpty {
            logger.error(
                "journal segments after the damage not replayed: their changes came after a gap; set aside for a post-mortem",
                metadata: [
                    "segments": "\(loaded.replay.setAside.map(String.init).joined(separator: ","))",
                    "renamed_with": "\(Journal.unreplayedSuffix)",
                    "missing_segment": "\(loaded.replay.missing.map(String.init) ?? "none")",
                ])
        }
        return (engine, inputs, loaded)
    }

    /// Applies one journal record to `engine` and `inputs`, as scoring or labelling did when it
    /// was written.
    static func apply(
        kind: UInt8, payload: UnsafeRawBufferPointer, to engine: RiskEngine, inputs: InputLedger
    ) throws(StateFormatError) {
        switch Durability.RecordKind(rawValue: kind) {
        case .transaction:
            _ = engine.score(try load(TransactionFeatures.self, from: payload, "a transaction record"))
        case .feedback:
            _ = engine.recordAdmitted(try load(FeedbackFeatures.self, from: payload, "a label record"))
        case .sourcedTransaction:
            let record = try load(Durability.Sourced<TransactionFeatures>.self, from: payload, "a transaction record")
            let models = engine.models
            let assessment = engine.score(record.features, with: models)
            inputs.record(record.position, .scored(assessment, modelVersion: models.servedVersion))
        case .sourcedFeedback:
            let record = try load(Durability.Sourced<FeedbackFeatures>.self, from: payload, "a label record")
            _ = engine.recordAdmitted(record.features)
            inputs.record(record.position, nil)
        case .refusal:
            var reader = StateReader(Array(payload))
            let position = try reader.read(InputPosition.self)
            inputs.record(position, try InputOutcome.read(from: &reader))
        case .delivered:
            let position = try load(InputPosition.self, from: payload, "a delivery record")
            inputs.delivered(position.input, before: position.offset)
        case .adoptedCard:
            var reader = StateReader(Array(payload))
            let card = try reader.read(CardState.self)
            let position = try reader.read(InputPosition.self)
            let outcome = try reader.readFlag() ? try InputOutcome.read(from: &reader) : nil
            engine.adopt(card)
            inputs.adopt(card.key, at: position, outcome)
        case .install:
            var reader = StateReader(Array(payload))
            guard let model = try reader.readModel() else { throw StateFormatError("an install record without a model") }
            engine.install(model)
        case nil:
            throw StateFormatError("a journal record of kind \(kind)")
        }
    }

    /// The fixed-size record `payload` holds, refusing one of another size.
    private static func load<Record: BitwiseCopyable>(
        _: Record.Type, from payload: UnsafeRawBufferPointer, _ what: String
    ) throws(StateFormatError) -> Record {
        guard payload.count == MemoryLayout<Record>.size else { throw StateFormatError("\(what) of \(payload.count) bytes") }
        return payload.loadUnaligned(as: Record.self)
    }

    /// The newest readable snapshot (numbered below `end`) in a new engine (an empty engine if
    /// none is).
    private func loadSnapshot(
        configuration: EngineConfiguration, model: RiskModel, adoptingChampion: Bool, before end: UInt64
    ) throws -> (RiskEngine, InputLedger, Loaded) {
        var loaded = Loaded()
        for snapshot in try snapshots.snapshots() where snapshot.sequence < end {
            let engine = RiskEngine(configuration: configuration, model: model)
            let inputs = InputLedger()
            do {
                var reader = StateReader(try snapshots.read(snapshot))
                loaded.report = try engine.restoreState(from: &reader, adoptingChampion: adoptingChampion)
                // A snapshot written before input positions were kept ends here: no input taken in yet.
                if reader.remaining > 0 {
                    var section = try reader.readSection()
                    try inputs.restore(from: &section)
                }
                loaded.snapshot = snapshot
                return (engine, inputs, loaded)
            } catch let error as StateFormatError where error.isOtherFormat {
                throw StateFormatError(
                    "\(snapshot.path): \(error.description). Start this build on an empty --state-dir, or the build that wrote it",
                    isOtherFormat: true)
            } catch let error as SnapshotStore.OtherFormat {
                // The format word sits outside the payload's checksum: a flipped bit there reads
                // as another build's file. Moving the file aside then loses nothing, as the
                // snapshot before it and the journal since are kept.
                throw StateFormatError(
                    "\(error.description). Start the build that wrote it; if no other build did, its header is damaged: "
                        + "rename it to \(snapshot.path).damaged and start again (the snapshot before it and the journal since resume the state)",
                    isOtherFormat: true)
            } catch let error as StateFileError {
                // Not damage: a file that cannot be opened or read (permissions, an I/O error)
                // is the operator's to fix, and setting it aside would lose its history for good.
                throw error
            } catch {
                logger.error(
                    "snapshot damaged: set aside, trying the one before",
                    metadata: ["snapshot": "\(snapshot.path)", "error": "\(error)"])
                snapshots.setAside(snapshot)
                loaded.setAside.append(snapshot)
            }
        }
        return (RiskEngine(configuration: configuration, model: model), InputLedger(), loaded)
    }

    /// What taking a snapshot cost.
    public struct SnapshotTaken: Sendable {
        /// The snapshot written.
        public var snapshot: SnapshotStore.Snapshot
        /// Its payload's size.
        public var bytes: Int
        /// How long it took in all, rebuilding, writing and fsyncing included.
        public var took: Duration
    }

    /// Writes `engine`'s state as a new snapshot and starts the journal segment it marks; then
    /// drops the snapshots and segments older than the ones kept. For a stop: it reads the live
    /// engine, with every state change paused meanwhile. After the doors' graceful shutdown
    /// nothing waits for that; but a service group that is cancelled (one of its services threw)
    /// stops every service at once, and a door still scoring would put a change made during the
    /// copy both in the snapshot, in part, and in the segment after it, replayed twice.
    @discardableResult
    public func snapshot(_ engine: RiskEngine, durability: Durability) throws -> SnapshotTaken {
        try snapshot(engine, durability: durability, kind: "at stop")
    }

    /// Writes the live `engine`, which goes on scoring, as a new snapshot, with every state
    /// change paused meanwhile (as long as a snapshot at stop: 1.8–3.3 s at 941k cards, docs/durability.md): the repair
    /// when a compaction found the journal damaged, which no later compaction could pass, and
    /// which a crash would stop the next start at.
    @discardableResult
    public func snapshotPausingChanges(_ engine: RiskEngine, durability: Durability) throws -> SnapshotTaken {
        try snapshot(engine, durability: durability, kind: "from the live engine, state changes paused, over a damaged journal")
    }

    /// `snapshot(_:durability:)`, logged as taken `kind` ("at stop", "at start"), every state
    /// change paused from the journal's move to the new segment to the snapshot's fsync.
    @discardableResult
    private func snapshot(_ engine: RiskEngine, durability: Durability, kind: String) throws -> SnapshotTaken {
        try durability.withChangesPaused {
            let started = ContinuousClock.now
            let next = try startNextSegment(of: durability.journal)
            let taken = try write(engine, inputs: durability.inputs, as: next, started: started, kind: kind)
            durability.journal.snapshotWritten(before: next)
            return taken
        }
    }

    /// Makes a new snapshot from the last one and the journal since, while the daemon goes on
    /// scoring: the journal moves to a new segment `n` (under its own lock, for the new file's creation and its directory fsync),
    /// then a second engine is rebuilt from the files alone, exactly as a restart would, up to
    /// segment `n`, and written as snapshot `n`. The live engine is never read or paused: no
    /// request waits for a snapshot. It costs a second copy of the state in memory and the CPU
    /// of replaying the journal, off the event loops.
    @discardableResult
    public func compact(durability: Durability) throws -> SnapshotTaken {
        let started = ContinuousClock.now
        let next = try startNextSegment(of: durability.journal)
        // Never repairing: a damaged segment here is one the live engine read past, and a
        // snapshot without its records would release answers and drop segments they are in.
        let (shadow, inputs, _) = try rebuild(
            configuration: durability.origin.configuration, model: durability.origin.model, adoptingChampion: true, before: next,
            repairing: false)
        let taken = try write(shadow, inputs: inputs, as: next, started: started, kind: "compacted from the journal")
        durability.journal.snapshotWritten(before: next)
        return taken
    }

    /// Moves `journal` on to the segment the next snapshot is numbered after (past every
    /// snapshot and segment there is), forcing the one it leaves to the disk; returns its number.
    private func startNextSegment(of journal: Journal) throws -> UInt64 {
        let next = max(try snapshots.nextSequence(), journal.segment + 1)
        try journal.rotate(to: next).sync()
        return next
    }

    private func write(
        _ engine: RiskEngine, inputs: InputLedger, as sequence: UInt64, started: ContinuousClock.Instant, kind: String
    ) throws -> SnapshotTaken {
        var writer = StateWriter()
        engine.writeState(to: &writer)
        writer.writeSection { inputs.write(to: &$0) }
        let payload = writer.finish()
        let snapshot = try snapshots.write(payload, sequence: sequence)
        if let oldest = try snapshots.snapshots().last {
            try Journal.removeSegments(before: oldest.sequence, in: snapshots.directory)
        }
        let taken = SnapshotTaken(snapshot: snapshot, bytes: payload.count, took: ContinuousClock.now - started)
        logger.notice(
            "state snapshot written",
            metadata: [
                "snapshot": "\(snapshot.path)", "bytes": "\(payload.count)", "cards_tracked": "\(engine.cardsTracked)",
                "how": "\(kind)", "took": "\(taken.took)",
            ])
        return taken
    }

    private func log(_ loaded: Loaded, engine: RiskEngine, inputs: InputLedger) {
        logger.notice(
            loaded.snapshot == nil && loaded.replay.records == 0 ? "no state to restore: starting empty" : "state restored",
            metadata: [
                "state_dir": "\(snapshots.directory)", "snapshot": "\(loaded.snapshot?.path ?? "none")",
                "journal_records": "\(loaded.replay.records)", "cards_tracked": "\(engine.cardsTracked)",
                "dropped_entries": "\(loaded.report.droppedEntries)", "dropped_labels": "\(loaded.report.droppedLabels)",
                "input_positions": "\(inputs.positions)", "undelivered_outputs": "\(inputs.undeliveredCount)",
            ])
        if let replaced = loaded.report.replacedChampion {
            logger.warning(
                "the state was learned under another champion: the challenger and its scoreboard start over",
                metadata: ["state_champion": "\(replaced)", "champion": "\(engine.models.champion.version)"])
        }
    }
}
