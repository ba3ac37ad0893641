import CoreMetrics
import Logging
import ScoringModel
import StateStore

/// Makes every state change durable: each scored transaction and each recorded label is
/// appended to the journal as it is applied, and committed before its answer leaves.
///
/// The doors do not see it: `ScoringService` applies changes through `change(_:recording:)`,
/// and a door calls `ScoringService.commitJournal()` once per burst of answers. Snapshots are
/// made from the journal itself (`EngineStateStore.compact`), never from the live engine while
/// it scores, so no request ever waits for one.
public final class Durability: Sendable {
    /// What a journal record holds.
    enum RecordKind: UInt8 {
        /// A validated transaction (`TransactionFeatures`) the engine scored.
        case transaction = 1
        /// A validated label (`FeedbackFeatures`) the engine recorded.
        case feedback = 2
        /// A model installed as the champion (a SIGHUP reload), as `StateWriter.write(_:)` writes it.
        case install = 3
    }

    /// The journal records go to.
    public let journal: Journal
    /// What the engine was made with at start: a snapshot rebuilt from the files starts there.
    let origin: (configuration: EngineConfiguration, model: RiskModel)
    private let logger: Logger
    private let commitFailures = Counter(label: "streamify_journal_commit_failures_total")

    /// Journals into `journal`, logging failures to `logger`. `EngineStateStore.open` makes the
    /// one the daemon uses, after recovery; tools and benchmarks may make their own.
    public init(journal: Journal, configuration: EngineConfiguration, model: RiskModel, logger: Logger) {
        self.journal = journal
        self.origin = (configuration, model)
        self.logger = logger
    }

    /// Whether state changes may go ahead: false while the journal cannot be written.
    @inline(__always)
    var acceptsChanges: Bool { journal.isHealthy }

    /// Applies `body` and appends `record`: one state change.
    @inline(__always)
    func change<Record: BitwiseCopyable, Result>(_ kind: RecordKind, recording record: Record, _ body: () -> Result) -> Result {
        let result = body()
        withUnsafeBytes(of: record) { journal.append(kind: kind.rawValue, payload: $0) }
        return result
    }

    /// Installs `model` as `engine`'s champion and journals it, committed at once (a reload is
    /// rare, and replaying the journal must install it at the same point in the stream).
    func install(_ model: RiskModel, in engine: RiskEngine) {
        var writer = StateWriter()
        writer.write(model)
        let bytes = writer.finish()
        engine.install(model)
        bytes.withUnsafeBytes { journal.append(kind: RecordKind.install.rawValue, payload: $0) }
        commit()
    }

    /// Writes what was appended since the last commit (and forces it to the disk under
    /// `--fsync always`). A failure is logged once and counted; state changes are refused
    /// until a commit succeeds again.
    func commit() {
        let wasHealthy = journal.isHealthy
        do {
            try journal.commit()
            if !wasHealthy { logger.notice("state journal writable again: state changes accepted") }
        } catch {
            commitFailures.increment()
            if wasHealthy {
                logger.critical(
                    "state journal cannot be written: state changes are refused until it can",
                    metadata: ["error": "\(error)", "segment": "\(journal.segment)"])
            }
        }
    }
}
