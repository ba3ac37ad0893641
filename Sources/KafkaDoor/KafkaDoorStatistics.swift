import Synchronization

/// Counters of what the Kafka door has done since it started.
public struct KafkaDoorStatistics: Sendable, Equatable {
    /// Input values taken from the transactions and labels topics.
    public var consumed: Int
    /// Transactions scored (each also counted once in `consumed`).
    public var scored: Int
    /// Alerts enqueued (scored at or above the alert level).
    public var alerted: Int
    /// Values sent to the dead-letter topic.
    public var deadLettered: Int
    /// Feedback reports applied from the labels topic.
    public var feedback: Int
    /// Outputs acknowledged by the broker (alerts, scores, dead letters).
    public var acknowledged: Int
    /// Outputs produced again after librdkafka reported a failed delivery.
    public var redelivered: Int
    /// Offset commits issued.
    public var commits: Int
    /// Values read again that the state had already taken in (a restart after their offsets
    /// were applied but not committed): not scored again, outputs sent again if undelivered.
    public var alreadyApplied: Int = 0
    /// Of those, the ones whose outputs were sent again from the outcome the state kept (they
    /// had not been acknowledged when the instance stopped).
    public var resent: Int = 0
    /// Card states taken in from the changelog when partitions were assigned.
    public var restoredCards: Int = 0
    /// Input partitions assigned to this instance now.
    public var assignedPartitions: Int = 0
    /// Times this instance was given partitions (group rebalances it took part in).
    public var assignments: Int = 0
    /// Analytics values tallied as "other" because their breakdown was full
    /// (`KafkaDoorConfiguration.analyticsMaximumDistinct`).
    public var analyticsFolded: Int = 0
    /// Input messages consumed whose offsets cannot be committed yet, as last counted.
    public var uncommittedInputs: Int = 0
    /// Times fetching was paused at `KafkaDoorConfiguration.maximumUncommittedInputs`.
    public var pauses: Int = 0
    /// Outputs larger than the producer's `message.max.bytes`, which can never be sent: skipped
    /// (and their inputs committed) so their partitions go on.
    public var outputsSkipped: Int = 0
    /// Times this instance left the group because a wait outside the poll (for outputs, for the
    /// state journal) outlasted `max.poll.interval.ms`.
    public var maxPollEvictions: Int = 0
}

/// Lock-free counters shared between the worker thread and readers.
final class KafkaDoorCounters: Sendable {
    let consumed = Atomic<Int>(0)
    let scored = Atomic<Int>(0)
    let alerted = Atomic<Int>(0)
    let deadLettered = Atomic<Int>(0)
    let feedback = Atomic<Int>(0)
    let acknowledged = Atomic<Int>(0)
    let redelivered = Atomic<Int>(0)
    let commits = Atomic<Int>(0)
    let alreadyApplied = Atomic<Int>(0)
    let resent = Atomic<Int>(0)
    let restoredCards = Atomic<Int>(0)
    let assignedPartitions = Atomic<Int>(0)
    let assignments = Atomic<Int>(0)
    let analyticsFolded = Atomic<Int>(0)
    let uncommittedInputs = Atomic<Int>(0)
    let pauses = Atomic<Int>(0)
    let outputsSkipped = Atomic<Int>(0)
    let maxPollEvictions = Atomic<Int>(0)

    var snapshot: KafkaDoorStatistics {
        KafkaDoorStatistics(
            consumed: consumed.load(ordering: .relaxed), scored: scored.load(ordering: .relaxed),
            alerted: alerted.load(ordering: .relaxed), deadLettered: deadLettered.load(ordering: .relaxed),
            feedback: feedback.load(ordering: .relaxed), acknowledged: acknowledged.load(ordering: .relaxed),
            redelivered: redelivered.load(ordering: .relaxed), commits: commits.load(ordering: .relaxed),
            alreadyApplied: alreadyApplied.load(ordering: .relaxed), resent: resent.load(ordering: .relaxed),
            restoredCards: restoredCards.load(ordering: .relaxed),
            assignedPartitions: assignedPartitions.load(ordering: .relaxed), assignments: assignments.load(ordering: .relaxed),
            analyticsFolded: analyticsFolded.load(ordering: .relaxed),
            uncommittedInputs: uncommittedInputs.load(ordering: .relaxed), pauses: pauses.load(ordering: .relaxed),
            outputsSkipped: outputsSkipped.load(ordering: .relaxed), maxPollEvictions: maxPollEvictions.load(ordering: .relaxed))
    }
}
