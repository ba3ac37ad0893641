import CoreMetrics
import Logging
import ScoringModel
import StateStore

/// Makes every state change durable: each scored transaction and each recorded label is
/// appended to the journal as it is applied, and committed before its answer leaves.
///
/// The doors do not see it: `ScoringService` applies changes through `change(_:recording:)`,
/// and a door calls `ScoringService.commitJournal()` once per burst of answers. Snapshots take
/// their point through `EngineGate`, so that replaying the journal after a snapshot gives back
/// the state as it was, record for record.
public final class Durability: Sendable {
    /// What a journal record holds.
    enum RecordKind: UInt8 {
        /// A validated transaction (`TransactionFeatures`) the engine scored.
        case transaction = 1
        /// A validated label (`FeedbackFeatures`) the engine recorded.
        case feedback = 2
    }

    /// The journal records go to.
    public let journal: Journal
    let gate = EngineGate()
    private let logger: Logger
    private let commitFailures = Counter(label: "streamify_journal_commit_failures_total")

    /// Journals into `journal`, logging failures to `logger`. `EngineStateStore.open` makes the
    /// one the daemon uses, after recovery; tools and benchmarks may make their own.
    public init(journal: Journal, logger: Logger) {
        self.journal = journal
        self.logger = logger
    }

    /// Whether state changes may go ahead: false while the journal cannot be written.
    @inline(__always)
    var acceptsChanges: Bool { journal.isHealthy }

    /// Applies `body` and appends `record` as one state change.
    @inline(__always)
    func change<Record: BitwiseCopyable, Result>(_ kind: RecordKind, recording record: Record, _ body: () -> Result) -> Result {
        gate.change {
            let result = body()
            withUnsafeBytes(of: record) { journal.append(kind: kind.rawValue, payload: $0) }
            return result
        }
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
