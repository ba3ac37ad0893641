import SyntheticWorld
import ScoringModel
import ScoringEngine
import StreamifyWire

/// Plays labelled traffic in event-time order, in-process: a world's stream for a span of event
/// time, or a `generate` file. Each transaction and each delayed outcome is checked by the
/// daemon's own intake, then handed to the caller, who scores it on (or reports it to) one or
/// more `RiskEngine`s.
///
/// Housekeeping is the engines' own: they run it as the event-time clock crosses each hour,
/// exactly as in the daemon. At the end the caller is asked to settle once more, so outcomes
/// that matured with the last transactions are learned from.
struct OfflineReplay {
    /// An item the daemon's intake refuses.
    struct RefusedItem: Error, CustomStringConvertible {
        var description: String
    }

    private var source: any WorkloadSource
    /// Items from this event time on are not played (nil: to the end of the source).
    private let endMs: Int64?
    /// The key ids are fingerprinted under: the engines' default, as nobody crafts these ids.
    private let key = EngineConfiguration().fingerprintKey

    /// `source` up to (not including) event time `endMs`, or whole.
    init(source: any WorkloadSource, endMs: Int64?) {
        self.source = source
        self.endMs = endMs
    }

    /// `days` of event time of the world `configuration` describes.
    init(world configuration: WorldConfiguration, days: Double) {
        self.init(source: TransactionStream(configuration: configuration), endMs: configuration.startTimeMs + Int64(days * 86_400_000))
    }

    /// `days` of event time of the terminal world `configuration` describes.
    init(terminalWorld configuration: TerminalWorldConfiguration, days: Double) {
        self.init(source: TerminalStream(configuration: configuration), endMs: configuration.startTimeMs + Int64(days * 86_400_000))
    }

    /// A recorded file, whole.
    init(recorded: RecordedWorkload) {
        self.init(source: recorded, endMs: nil)
    }

    /// Runs to the end. Transactions without a known truth (a file without labels) are still
    /// scored by the caller, who should leave them out of training and measurement.
    mutating func run(
        transaction: (LabelledTransaction, TransactionFeatures) -> Void,
        feedback: (Feedback, FeedbackFeatures) -> Void,
        settle: () -> Void
    ) throws(RefusedItem) {
        while let item = source.nextItem() {
            let timeMs: Int64
            switch item {
            case .transaction(let labelled): timeMs = labelled.transaction.eventTimeMs
            case .feedback(let report, _): timeMs = report.reportedTimeMs
            }
            if let endMs, timeMs >= endMs { break }
            switch item {
            case .transaction(let labelled):
                switch TransactionIntake.features(of: labelled.transaction, key: key) {
                case .success(let features): transaction(labelled, features)
                case .failure(let error):
                    throw RefusedItem(description: "transaction \(labelled.transaction.transactionID): \(error.message)")
                }
            case .feedback(let report, _):
                switch TransactionIntake.features(of: report, key: key) {
                case .success(let features): feedback(report, features)
                case .failure(let error):
                    throw RefusedItem(description: "feedback for \(report.transactionID): \(error.message)")
                }
            }
        }
        settle()
    }
}
