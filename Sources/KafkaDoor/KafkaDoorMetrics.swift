import Metrics

/// swift-metrics counters for the Kafka door, fed from `KafkaDoorCounters` a few times a second
/// (never per message, so the hot loop takes no metrics locks).
struct KafkaDoorMetrics {
    /// Each counter beside the statistic it counts: what the statistic grew by since the last
    /// `publish` is added to it.
    private let counters: [(Counter, KeyPath<KafkaDoorStatistics, Int>)] = [
        (Counter(label: "streamify_kafka_consumed_total"), \.consumed),
        (Counter(label: "streamify_kafka_scored_total"), \.scored),
        (Counter(label: "streamify_kafka_alerts_total"), \.alerted),
        (Counter(label: "streamify_kafka_dead_lettered_total"), \.deadLettered),
        (Counter(label: "streamify_kafka_feedback_total"), \.feedback),
        (Counter(label: "streamify_kafka_outputs_acknowledged_total"), \.acknowledged),
        (Counter(label: "streamify_kafka_outputs_redelivered_total"), \.redelivered),
        (Counter(label: "streamify_kafka_commits_total"), \.commits),
        (Counter(label: "streamify_kafka_already_applied_total"), \.alreadyApplied),
        (Counter(label: "streamify_kafka_outputs_resent_total"), \.resent),
        (Counter(label: "streamify_kafka_cards_restored_total"), \.restoredCards),
        (Counter(label: "streamify_kafka_analytics_folded_total"), \.analyticsFolded),
        (Counter(label: "streamify_kafka_pauses_total"), \.pauses),
        (Counter(label: "streamify_kafka_outputs_skipped_total"), \.outputsSkipped),
        (Counter(label: "streamify_kafka_max_poll_evictions_total"), \.maxPollEvictions),
    ]
    private let pendingOutputs = Gauge(label: "streamify_kafka_outputs_pending")
    private let assignedPartitions = Gauge(label: "streamify_kafka_assigned_partitions")
    private let uncommittedInputs = Gauge(label: "streamify_kafka_uncommitted_inputs")
    private var reported = KafkaDoorStatistics(
        consumed: 0, scored: 0, alerted: 0, deadLettered: 0, feedback: 0, acknowledged: 0, redelivered: 0, commits: 0)

    /// Adds what happened since the last call.
    mutating func publish(_ now: KafkaDoorStatistics, pending: Int) {
        for (counter, statistic) in counters {
            counter.increment(by: now[keyPath: statistic] - reported[keyPath: statistic])
        }
        uncommittedInputs.record(now.uncommittedInputs)
        pendingOutputs.record(pending)
        assignedPartitions.record(now.assignedPartitions)
        reported = now
    }
}
