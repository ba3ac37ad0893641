import CoreMetrics
import Logging
import Synchronization
import ScoringModel
import StateStore

/// Makes every state change durable: each scored transaction and each recorded label is
/// appended to the journal as it is applied, and committed before its answer leaves.
///
/// The doors do not see it: `ScoringService` applies changes through `change(_:recording:)`,
/// and a door calls `ScoringService.commitJournal()` once per burst of answers. Snapshots are
/// made from the journal itself (`EngineStateStore.compact`), so no request waits for one.
/// The snapshots of the live engine (at start, at stop, and the repair of a damaged journal)
/// pause every change (and every update of `inputs`) behind the ordering lock meanwhile, from
/// the journal's move to a new segment to the snapshot's fsync.
public final class Durability: Sendable {
    /// What a journal record holds.
    enum RecordKind: UInt8 {
        /// A validated transaction (`TransactionFeatures`) the engine scored.
        case transaction = 1
        /// A validated label (`FeedbackFeatures`) the engine recorded.
        case feedback = 2
        /// A model installed as the champion (a SIGHUP reload), as `StateWriter.write(_:)` writes it.
        case install = 3
        /// A transaction read from an input log: `Sourced<TransactionFeatures>`.
        case sourcedTransaction = 4
        /// A label read from an input log: `Sourced<FeedbackFeatures>`.
        case sourcedFeedback = 5
        /// A message of an input log refused: its `InputPosition`, then the error (`InputOutcome`).
        case refusal = 6
        /// Every output of an input partition's messages below an offset delivered: an `InputPosition`.
        case delivered = 7
        /// A card's state taken from another instance's changelog: the `CardState`, the
        /// `InputPosition` it is as of, a flag, and the `InputOutcome` kept when the flag is set.
        case adoptedCard = 8
    }

    /// A change made from a message of an input log, with where the message sits.
    struct Sourced<Features: BitwiseCopyable>: BitwiseCopyable {
        var features: Features
        var position: InputPosition
    }

    /// The journal records go to.
    public let journal: Journal
    /// How far the state has taken in each input log partition (the Kafka door's offsets).
    public let inputs: InputLedger
    /// What the engine was made with at start: a snapshot rebuilt from the files starts there.
    let origin: (configuration: EngineConfiguration, model: RiskModel)
    private let logger: Logger
    private let commitFailures = Counter(label: "streamify_journal_commit_failures_total")
    /// Held across each change and its record, so the journal holds the changes in the order
    /// they were made: two event loops scoring at once otherwise applied in one order and
    /// appended in the other, and what does not commute (a card's entry, the outcome log's
    /// arrival order, the learner's steps, housekeeping rounds) replayed differently. A `Mutex`
    /// (it spins before it sleeps): `NIOLock`'s pthread mutex slept in the kernel at each
    /// hand-over between the loops and cost a third of the throughput (docs/durability.md).
    private let order = Mutex<Void>(())

    /// Journals into `journal`, logging failures to `logger`. `EngineStateStore.open` makes the
    /// one the daemon uses, after recovery; tools and benchmarks may make their own.
    public init(
        journal: Journal, configuration: EngineConfiguration, model: RiskModel, inputs: InputLedger = InputLedger(),
        logger: Logger
    ) {
        self.journal = journal
        self.inputs = inputs
        self.origin = (configuration, model)
        self.logger = logger
    }

    /// Whether state changes may go ahead: false while the journal cannot be written.
    @inline(__always)
    var acceptsChanges: Bool { journal.isHealthy }

    /// Applies `body` and appends `record`: one state change, in journal order.
    @inline(__always)
    func change<Record: BitwiseCopyable, Result>(_ kind: RecordKind, recording record: Record, _ body: () -> Result) -> Result {
        withUnsafeBytes(of: record) { inOrder(kind, payload: $0, body) }
    }

    /// Runs `body` and appends its record (`kind`, `payload`) under the ordering lock.
    @inline(__always)
    private func inOrder<Result>(_ kind: RecordKind, payload: UnsafeRawBufferPointer, _ body: () -> Result) -> Result {
        order.withLock { _ in
            let result = body()
            journal.append(kind: kind.rawValue, payload: payload)
            return result
        }
    }

    /// Runs `body` while no state change can be made: every change waits for the ordering lock
    /// it holds. For a snapshot of the live engine that must match a point in the journal.
    func withChangesPaused<Result>(_ body: () throws -> Result) rethrows -> Result {
        try order.withLock { _ in try body() }
    }

    /// Journals that the message at `position` was refused (`outcome`), so a restart that reads
    /// it again answers it the same way without scoring it, with `update` (the caller's of
    /// `inputs`) in the same turn of the ordering lock.
    func journalRefusal(_ outcome: InputOutcome, at position: InputPosition, _ update: () -> Void) {
        var writer = StateWriter()
        writer.write(position)
        outcome.write(to: &writer)
        writer.finish().withUnsafeBytes { inOrder(.refusal, payload: $0, update) }
    }

    /// Journals that every output of `input`'s messages below `offset` was delivered, with
    /// `update` (the caller's of `inputs`) in the same turn of the ordering lock.
    func journalDelivery(_ input: InputPartition, before offset: Int64, _ update: () -> Void) {
        withUnsafeBytes(of: InputPosition(input, offset: offset)) { inOrder(.delivered, payload: $0, update) }
    }

    /// Adopts `card` with `adopt` and journals it as of `position`, with the outcome of the
    /// message at `position` kept if its outputs may be undelivered. The caller updates `inputs`.
    func adopt(_ card: CardState, at position: InputPosition, outcome: InputOutcome?, _ adopt: () -> Void) {
        var writer = StateWriter()
        writer.write(card)
        writer.write(position)
        writer.writeFlag(outcome != nil)
        outcome?.write(to: &writer)
        writer.finish().withUnsafeBytes { inOrder(.adoptedCard, payload: $0, adopt) }
    }

    /// Installs `model` as `engine`'s champion and journals it, committed at once (a reload is
    /// rare, and replaying the journal must install it at the same point in the stream).
    func install(_ model: RiskModel, in engine: RiskEngine) {
        var writer = StateWriter()
        writer.write(model)
        writer.finish().withUnsafeBytes { inOrder(.install, payload: $0) { engine.install(model) } }
        commit()
    }

    /// Writes what was appended since the last commit (and forces it to the disk under
    /// `--fsync always`); false when it could not. A failure is logged once and counted; state
    /// changes are refused until a commit succeeds again.
    @discardableResult
    func commit() -> Bool {
        let wasHealthy = journal.isHealthy
        do {
            try journal.commit()
            if !wasHealthy { logger.notice("state journal writable again: state changes accepted") }
            return true
        } catch {
            commitFailures.increment()
            if wasHealthy {
                logger.critical(
                    "state journal cannot be written: state changes are refused until it can",
                    metadata: ["error": "\(error)", "segment": "\(journal.segment)"])
            }
            return false
        }
    }
}
