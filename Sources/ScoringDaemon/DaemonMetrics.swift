import CoreMetrics
import NIOConcurrencyHelpers
import ScoringModel
import StreamifyWire

/// The daemon's metrics: swift-metrics counters plus a server-latency histogram.
///
/// Connections count into their own `ProcessorCounters` and hand them over once per read burst,
/// so the hot path never touches a lock or an atomic per request. The latency histogram is kept
/// here (one lock per burst) rather than in a metrics backend that would lock per record.
public final class DaemonMetrics: Sendable {
    private let requests = Counter(label: "streamify_requests_total")
    private let transactions = Counter(label: "streamify_transactions_scored_total")
    private let feedback = Counter(label: "streamify_feedback_total")
    private let pings = Counter(label: "streamify_pings_total")
    private let labels: [Counter]
    private let outcomesLogged = Meter(label: "streamify_outcome_log_entries")
    private let labelsPending = Meter(label: "streamify_labels_pending")
    private let learnerUpdates = Meter(label: "streamify_learner_updates")
    private let errors: [Counter]
    private let levels: [Counter]
    private let connections = Meter(label: "streamify_connections")
    private let connectionsOpened = Counter(label: "streamify_connections_opened_total")
    private let cards = Meter(label: "streamify_cards_tracked")
    private let latency = NIOLockedValueBox(LatencyBuckets())

    public init() {
        errors = ErrorCode.allCases.map { code in
            Counter(label: "streamify_errors_total", dimensions: [("code", "\(code)")])
        }
        labels = LabelDisposition.allCases.map { disposition in
            Counter(label: "streamify_labels_total", dimensions: [("disposition", disposition.name)])
        }
        levels = RiskLevel.allCases.map { level in
            Counter(label: "streamify_decisions_total", dimensions: [("level", level.name)])
        }
    }

    /// Takes a connection's counters and resets them.
    public func collect(_ counters: inout ProcessorCounters) {
        guard !counters.isEmpty else { return }
        requests.increment(by: counters.requests)
        if counters.transactions > 0 { transactions.increment(by: counters.transactions) }
        if counters.feedback > 0 { feedback.increment(by: counters.feedback) }
        if counters.pings > 0 { pings.increment(by: counters.pings) }
        for index in 0..<4 where counters.labels[index] > 0 { labels[index].increment(by: counters.labels[index]) }
        for index in 0..<8 where counters.errors[index] > 0 { errors[index].increment(by: counters.errors[index]) }
        for index in 0..<4 where counters.levels[index] > 0 { levels[index].increment(by: counters.levels[index]) }
        let latencyCounts = counters.latency
        if latencyCounts.total > 0 { latency.withLockedValue { $0.add(latencyCounts) } }
        counters = ProcessorCounters()
    }

    func connectionOpened() {
        connections.increment()
        connectionsOpened.increment()
    }

    func connectionClosed() { connections.decrement() }

    public func recordCardsTracked(_ count: Int) { cards.set(count) }

    /// Outcome-learning gauges: transactions awaiting an outcome, labels held, learner updates.
    public func recordLearning(of engine: RiskEngine) {
        outcomesLogged.set(engine.outcomes?.count ?? 0)
        labelsPending.set(engine.pendingLabelCount)
        learnerUpdates.set(engine.learner.updateCount)
    }

    /// Server-side latency so far.
    public var latencySnapshot: LatencyBuckets { latency.withLockedValue { $0 } }

    /// The latency histogram in Prometheus text format.
    public func latencyExposition() -> String {
        let snapshot = latencySnapshot
        var text = "# HELP streamify_scoring_seconds Server time per scored transaction (decode to encode).\n"
        text += "# TYPE streamify_scoring_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in LatencyBuckets.boundsMicroseconds.enumerated() {
            cumulative += snapshot.counts[index]
            text += "streamify_scoring_seconds_bucket{le=\"\(Double(bound) / 1_000_000)\"} \(cumulative)\n"
        }
        cumulative += snapshot.counts[14]
        text += "streamify_scoring_seconds_bucket{le=\"+Inf\"} \(cumulative)\n"
        text += "streamify_scoring_seconds_sum \(Double(snapshot.sumMicroseconds) / 1_000_000)\n"
        text += "streamify_scoring_seconds_count \(cumulative)\n"
        return text
    }
}
