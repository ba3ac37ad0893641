import Metrics

/// swift-metrics counters for the Kafka door, fed from `KafkaDoorCounters` a few times a second
/// (never per message, so the hot loop takes no metrics locks).
struct KafkaDoorMetrics {
    private let consumed = Counter(label: "streamify_kafka_consumed_total")
    private let scored = Counter(label: "streamify_kafka_scored_total")
    private let alerted = Counter(label: "streamify_kafka_alerts_total")
    private let deadLettered = Counter(label: "streamify_kafka_dead_lettered_total")
    private let feedback = Counter(label: "streamify_kafka_feedback_total")
    private let acknowledged = Counter(label: "streamify_kafka_outputs_acknowledged_total")
    private let redelivered = Counter(label: "streamify_kafka_outputs_redelivered_total")
    private let commits = Counter(label: "streamify_kafka_commits_total")
    private let alreadyApplied = Counter(label: "streamify_kafka_already_applied_total")
    private let resent = Counter(label: "streamify_kafka_outputs_resent_total")
    private let restoredCards = Counter(label: "streamify_kafka_cards_restored_total")
    private let analyticsFolded = Counter(label: "streamify_kafka_analytics_folded_total")
    private let pendingOutputs = Gauge(label: "streamify_kafka_outputs_pending")
    private let assignedPartitions = Gauge(label: "streamify_kafka_assigned_partitions")
    private let uncommittedInputs = Gauge(label: "streamify_kafka_uncommitted_inputs")
    private let pauses = Counter(label: "streamify_kafka_pauses_total")
    private let outputsSkipped = Counter(label: "streamify_kafka_outputs_skipped_total")
    private var reported = KafkaDoorStatistics(
        consumed: 0, scored: 0, alerted: 0, deadLettered: 0, feedback: 0, acknowledged: 0, redelivered: 0, commits: 0)

    /// Adds what happened since the last call.
    mutating func publish(_ now: KafkaDoorStatistics, pending: Int) {
        consumed.increment(by: now.consumed - reported.consumed)
        scored.increment(by: now.scored - reported.scored)
        alerted.increment(by: now.alerted - reported.alerted)
        deadLettered.increment(by: now.deadLettered - reported.deadLettered)
        feedback.increment(by: now.feedback - reported.feedback)
        acknowledged.increment(by: now.acknowledged - reported.acknowledged)
        redelivered.increment(by: now.redelivered - reported.redelivered)
        commits.increment(by: now.commits - reported.commits)
        alreadyApplied.increment(by: now.alreadyApplied - reported.alreadyApplied)
        resent.increment(by: now.resent - reported.resent)
        restoredCards.increment(by: now.restoredCards - reported.restoredCards)
        analyticsFolded.increment(by: now.analyticsFolded - reported.analyticsFolded)
        pauses.increment(by: now.pauses - reported.pauses)
        outputsSkipped.increment(by: now.outputsSkipped - reported.outputsSkipped)
        uncommittedInputs.record(now.uncommittedInputs)
        pendingOutputs.record(pending)
        assignedPartitions.record(now.assignedPartitions)
        reported = now
    }
}
