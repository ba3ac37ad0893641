import CStreamifyProto
import ScoringModel
import StreamifyWire

/// The one scoring API every door calls: intake → validation → scoring → counting → decision.
///
/// The socket door, the Kafka door and the tools all go through here, so they refuse exactly
/// the same input with exactly the same errors and count exactly the same things. The entry
/// points take protobuf-c messages by pointer, as the doors decode them, and allocate nothing
/// for valid input: the socket path stays allocation-free per transaction.
///
/// Thread-safe: the `RiskEngine` behind it is, and counting goes into the caller's own
/// `ScoringCounters`, which the caller hands to `metrics` once per read burst or batch.
public final class ScoringService: Sendable {
    /// The state tables and the model.
    public let engine: RiskEngine
    /// Where every door's counters are collected.
    public let metrics: ScoringMetrics
    /// Journals every state change; nil when the state is kept in memory only.
    public let durability: Durability?
    /// How far the state has taken in each input log partition (the Kafka door's offsets):
    /// journalled and snapshotted with a state directory, in memory only without one.
    public let inputs: InputLedger
    /// Samples of recent decisions for a dashboard; nil: none kept.
    public let feed: DecisionFeed?
    /// Every decision and label, for the archive; nil: none kept.
    public let decisionLog: DecisionLog?

    /// A service over `engine`, collecting counters into `metrics` (a new set by default),
    /// journalling every state change through `durability` if given, and offering decisions to
    /// `feed` if given, and logging every decision and label to `decisionLog` if given.
    public init(
        engine: RiskEngine, metrics: ScoringMetrics = ScoringMetrics(), durability: Durability? = nil,
        feed: DecisionFeed? = nil, decisionLog: DecisionLog? = nil
    ) {
        self.engine = engine
        self.metrics = metrics
        self.durability = durability
        self.feed = feed
        self.decisionLog = decisionLog
        self.inputs = durability?.inputs ?? InputLedger()
    }

    /// The engine's event clock in Unix milliseconds; nil before the first event.
    public var eventClockMs: Int64? {
        let seconds = engine.eventClock
        return seconds == 0 ? nil : EventTime.unixMs(fromSeconds: seconds)
    }

    /// Installs `model` as the champion (journalled with a state directory, so recovery installs
    /// it at the same point of the stream).
    public func install(_ model: RiskModel) {
        if let durability {
            durability.install(model, in: engine)
        } else {
            engine.install(model)
        }
    }

    /// Writes the journal records of the state changes made so far, and the decision log's
    /// records of what the calling thread scored; a door calls it once per burst of answers,
    /// before they leave, on the thread that scored them. Nothing to do without a journal.
    ///
    /// False when the journal could not be written (a full or failing disk): the changes are
    /// made but not durable, so their answers must wait, and their offsets stay uncommitted,
    /// until a later call returns true. (The decision log sheds on its own; it never holds
    /// answers back.)
    @inline(__always)
    @discardableResult
    public func commitJournal() -> Bool {
        let durable = durability?.commit() ?? true
        decisionLog?.commit()
        return durable
    }

    /// A transaction scored: the assessment and the version of the model that made it.
    public struct Decision: Sendable {
        /// The score, the level and every factor's outcome.
        public var assessment: RiskAssessment
        /// The version of the model that scored it.
        public var modelVersion: String
        /// The card's key in the state tables.
        public var card: EntityKey

        /// A decision not made yet: the place `score(_:from:counters:into:)` writes one to.
        public init() {
            self.init(assessment: RiskAssessment(), modelVersion: "", card: .none)
        }

        init(assessment: RiskAssessment, modelVersion: String, card: EntityKey) {
            self.assessment = assessment
            self.modelVersion = modelVersion
            self.card = card
        }
    }

    /// Validates `transaction`, scores it against the state and folds it in; counts the result.
    ///
    /// An invalid transaction leaves the state untouched and comes back as the error to answer with.
    /// A door reading a partitioned log passes the message's `position`: with a state directory
    /// it is journalled with the change and kept in `inputs` (see `InputLedger`).
    public func score(
        _ transaction: UnsafePointer<Streamify__V1__Transaction>, from position: InputPosition? = nil,
        counters: inout ScoringCounters
    ) -> Result<Decision, WireError> {
        var decision = Decision()
        if let error = score(transaction, from: position, counters: &counters, into: &decision) {
            return .failure(error)
        }
        return .success(decision)
    }

    /// `score(_:from:counters:)` for the hot path: the decision is written into `decision`, and
    /// the error to answer with comes back instead when there is none. Returned, the decision's
    /// 400-odd bytes were copied at every step on their way to the answer (docs/performance.md §22).
    @inline(__always)
    public func score(
        _ transaction: UnsafePointer<Streamify__V1__Transaction>, from position: InputPosition? = nil,
        counters: inout ScoringCounters, into decision: inout Decision
    ) -> WireError? {
        switch TransactionIntake.features(of: transaction, key: engine.configuration.fingerprintKey) {
        case .success(let features):
            guard engine.admits(eventSeconds: features.eventSeconds) else {
                counters.errors[.invalidArgument] += 1
                counters.clockSkewRefusals += 1
                return Self.tooFarAhead
            }
            // The numbers the decision was made on, for the archive (filled whether kept or not: same cost).
            var vector = FeatureVector()
            let applied = change(.transaction, recording: features, from: position, counters: &counters) {
                // Read once (a reload during this call must not mix two versions), and within
                // the change: read before it, a model another loop's change published in between
                // would score here and not on replay.
                let models = engine.models
                engine.score(features, with: models, features: &vector, into: &decision.assessment)
                // With its change: a snapshot of the live engine sees both or neither.
                if let position { inputs.record(position, .scored(decision.assessment, modelVersion: models.servedVersion)) }
                return models
            }
            guard let models = applied else { return Self.journalFailing }
            decision.modelVersion = models.servedVersion
            decision.card = features.card
            let level = decision.assessment.level
            counters.transactions += 1
            counters.amountMinor &+= Int(truncatingIfNeeded: transaction.pointee.amount_minor)
            counters.levels[level] += 1
            if let feed, feed.wantsSample(of: level) { feed.record(transaction, decision) }
            decisionLog?.record(transaction, decision.assessment, features: vector, modelVersion: decision.modelVersion)
            return nil
        case .failure(let error):
            counters.errors[error.code] += 1
            return error
        }
    }

    /// Why `transaction` would be refused whatever the state (an invalid field); nil when it
    /// would be scored. Changes nothing and counts nothing.
    public func refusal(of transaction: UnsafePointer<Streamify__V1__Transaction>) -> WireError? {
        switch TransactionIntake.features(of: transaction, key: engine.configuration.fingerprintKey) {
        case .success: nil
        case .failure(let error): error
        }
    }

    /// The answer to a transaction dated further ahead than the clock skew allows.
    static let tooFarAhead = WireError(
        code: .invalidArgument,
        message: "event_time_ms is further ahead of the daemon's event clock and wall clock than --max-clock-skew allows",
        field: "event_time_ms")

    /// Makes one state change with `body`, journalled as `record` (with its input `position`,
    /// if any) with a state directory. Nil, counted as an internal error and not applied, while
    /// the journal cannot be written: answer `journalFailing` then.
    @inline(__always)
    private func change<Record: BitwiseCopyable, Value>(
        _ kind: Durability.RecordKind, recording record: Record, from position: InputPosition?,
        counters: inout ScoringCounters, _ body: () -> Value
    ) -> Value? {
        guard let durability else { return body() }
        guard durability.acceptsChanges else {
            counters.errors[.internal] += 1
            return nil
        }
        guard let position else { return durability.change(kind, recording: record, body) }
        let sourced = Durability.Sourced(features: record, position: position)
        return durability.change(kind == .transaction ? .sourcedTransaction : .sourcedFeedback, recording: sourced, body)
    }

    /// The answer to a state change while the journal cannot be written (`--state-dir`): the
    /// daemon's own failure, not the input's (a door reading a log waits, never dead-letters it).
    public static let journalFailing = WireError(
        code: .internal,
        message: "the state journal cannot be written (disk full or failing): state changes are refused until it can; see the daemon's log")

    /// Validates a reported outcome and gives it to the engine; counts what became of it.
    ///
    /// A label the engine refuses (inconsistent times, too many held) is `.success(.refused)`:
    /// the report was well-formed, and the door decides how to answer it.
    /// A door reading a partitioned log passes the message's `position`, as for `score`.
    public func record(
        _ feedback: UnsafePointer<Streamify__V1__Feedback>, from position: InputPosition? = nil,
        counters: inout ScoringCounters
    ) -> Result<LabelDisposition, WireError> {
        switch TransactionIntake.features(of: feedback, key: engine.configuration.fingerprintKey) {
        case .success(let features):
            let disposition: LabelDisposition
            if engine.admitsReport(of: features) {
                guard
                    let applied = change(.feedback, recording: features, from: position, counters: &counters, {
                        let disposition = engine.recordAdmitted(features)
                        if let position { inputs.record(position, nil) }
                        return disposition
                    })
                else { return .failure(Self.journalFailing) }
                disposition = applied
            } else {
                // Dated too far ahead: refused, changing nothing, and not journalled, so a
                // restart's replay never asks the wall clock again (`RiskEngine.admitsReport`).
                disposition = .refused
                if let position { withChangesPaused { inputs.record(position, nil) } }
            }
            decisionLog?.record(feedback, disposition)
            counters.feedback += 1
            counters.labels[disposition] += 1
            return .success(disposition)
        case .failure(let error):
            counters.errors[error.code] += 1
            return .failure(error)
        }
    }

    // MARK: - Input logs

    /// Notes that the message at `position` was refused with `error` (dead-lettered), so a
    /// restart reading it again answers the same.
    public func refuse(_ position: InputPosition, with error: WireError) {
        let outcome = InputOutcome.refused(error)
        guard let durability else { return inputs.record(position, outcome) }
        durability.journalRefusal(outcome, at: position) { inputs.record(position, outcome) }
    }

    /// Notes that every output of `input`'s messages below `offset` was delivered; call it with
    /// each offset commit, before `commitJournal()`.
    public func delivered(_ input: InputPartition, before offset: Int64) {
        guard let durability else { return inputs.delivered(input, before: offset) }
        durability.journalDelivery(input, before: offset) { inputs.delivered(input, before: offset) }
    }

    /// Runs `body` (an update of `inputs` that no journal record carries) where no state change
    /// is made meanwhile, so a snapshot of the live engine sees it or not, whole.
    private func withChangesPaused(_ body: () -> Void) {
        if let durability { durability.withChangesPaused(body) } else { body() }
    }

    /// What became of a card state offered by `adopt`.
    public enum Adoption: Sendable, Equatable {
        /// Taken in.
        case adopted
        /// Written under another fingerprint key (or for another id): not taken in.
        case otherFingerprintKey
        /// Not taken in: the journal cannot be written.
        case journalFailing
    }

    /// Takes in `card` as the state of the card with id `cardID`, as of the input message at
    /// `position` (another instance's changelog, when the partition moved here), keeping
    /// `outcome` for that message if its outputs may be undelivered. Refused when the state
    /// was fingerprinted under another key: every instance of a group needs the same one.
    public func adopt(
        _ card: CardState, cardID: UnsafeRawBufferPointer, at position: InputPosition, outcome: InputOutcome?
    ) -> Adoption {
        guard EntityKey(bytes: cardID, key: engine.configuration.fingerprintKey).rawValue == card.key else {
            return .otherFingerprintKey
        }
        if let durability {
            guard durability.acceptsChanges else { return .journalFailing }
            durability.adopt(card, at: position, outcome: outcome) {
                engine.adopt(card)
                inputs.adopt(card.key, at: position, outcome)
            }
        } else {
            engine.adopt(card)
            inputs.adopt(card.key, at: position, outcome)
        }
        return .adopted
    }
}
