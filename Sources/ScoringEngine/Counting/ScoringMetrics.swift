import CoreMetrics
import NIOConcurrencyHelpers
import ScoringModel
import StreamifyWire

/// The engine's metrics, shared by every door: swift-metrics counters plus a server-latency histogram.
///
/// Doors count into their own `ScoringCounters` and hand them over once per read burst or
/// batch, so the hot path never touches a lock or an atomic per request. The latency histogram
/// is kept here (one lock per burst) rather than in a metrics backend that would lock per record.
public final class ScoringMetrics: Sendable {
    private let requests = Counter(label: "streamify_requests_total")
    private let transactions = Counter(label: "streamify_transactions_scored_total")
    private let feedback = Counter(label: "streamify_feedback_total")
    private let pings = Counter(label: "streamify_pings_total")
    private let clockSkewRefusals = Counter(label: "streamify_clock_skew_refusals_total")
    private let shedForQueueDelay = Counter(label: "streamify_requests_shed_total", dimensions: [("reason", "queue_delay")])
    private let shedForBufferedOutput = Counter(
        label: "streamify_requests_shed_total", dimensions: [("reason", "buffered_output")])
    private let shedForDeadline = Counter(label: "streamify_requests_shed_total", dimensions: [("reason", "deadline")])
    private let rateLimitedLabels = Counter(label: "streamify_labels_rate_limited_total")
    private let labels: [(LabelDisposition, Counter)]
    private let errors: [(ErrorCode, Counter)]
    private let levels: [(RiskLevel, Counter)]
    private let outcomesLogged = Meter(label: "streamify_outcome_log_entries")
    private let labelsPending = Meter(label: "streamify_labels_pending")
    /// Labelled transactions remembered to acknowledge a repeat (only without an outcome log,
    /// which remembers them itself).
    private let labelledRemembered = Meter(label: "streamify_labelled_transactions")
    private let reservoirFrauds = Meter(label: "streamify_refit_reservoir_samples", dimensions: [("kind", "fraud")])
    private let reservoirLegitimate = Meter(label: "streamify_refit_reservoir_samples", dimensions: [("kind", "legitimate")])
    private let learnerUpdates = Meter(label: "streamify_learner_updates")
    private let cards = Meter(label: "streamify_cards_tracked")
    private let devices = Meter(label: "streamify_devices_tracked")
    private let merchants = Meter(label: "streamify_merchants_tracked")
    /// Entries the card, device and merchant tables dropped: for room at their `--max-*` size,
    /// or idle past their TTL. Kept as totals by the tables; counted up here from the last totals seen.
    private let removed = TableRemovals()
    private let housekeepingRounds = Meter(label: "streamify_housekeeping_rounds")
    private let eventClock = Meter(label: "streamify_event_clock_seconds")
    private let challengerServing = Meter(label: "streamify_challenger_serving")
    private let challengerSwitches = Meter(label: "streamify_challenger_switches")
    /// Rolling quality on final outcomes: ROC AUC then average precision, champion then challenger.
    private let modelQuality = ["champion", "challenger"].flatMap { model in
        [
            Meter(label: "streamify_model_roc_auc", dimensions: [("model", model)]),
            Meter(label: "streamify_model_average_precision", dimensions: [("model", model)]),
        ]
    }
    /// Every count collected, the latency histogram among them: one lock per collect.
    private let totals = NIOLockedValueBox(ScoringTotals())

    /// Makes every counter up front (one per error code, label disposition and level); bootstrap the
    /// metrics system first, or they report nowhere.
    public init() {
        errors = ErrorCode.allCases.map { code in
            (code, Counter(label: "streamify_errors_total", dimensions: [("code", "\(code)")]))
        }
        labels = LabelDisposition.allCases.map { disposition in
            (disposition, Counter(label: "streamify_labels_total", dimensions: [("disposition", disposition.name)]))
        }
        levels = RiskLevel.allCases.map { level in
            (level, Counter(label: "streamify_decisions_total", dimensions: [("level", level.name)]))
        }
        // Not a number until the scoreboard first holds both classes: a gauge left at 0 would read
        // as a model that ranks every fraud below every legitimate transaction.
        for meter in modelQuality { meter.set(Double.nan) }
    }

    /// Takes a worker's counters and resets them in place.
    public func collect(_ counters: inout ScoringCounters) {
        guard !counters.isEmpty else { return }
        if counters.requests > 0 { requests.increment(by: counters.requests) }
        if counters.transactions > 0 { transactions.increment(by: counters.transactions) }
        if counters.feedback > 0 { feedback.increment(by: counters.feedback) }
        if counters.pings > 0 { pings.increment(by: counters.pings) }
        if counters.clockSkewRefusals > 0 { clockSkewRefusals.increment(by: counters.clockSkewRefusals) }
        if counters.shedForQueueDelay > 0 { shedForQueueDelay.increment(by: counters.shedForQueueDelay) }
        if counters.shedForBufferedOutput > 0 { shedForBufferedOutput.increment(by: counters.shedForBufferedOutput) }
        if counters.shedForDeadline > 0 { shedForDeadline.increment(by: counters.shedForDeadline) }
        if counters.rateLimitedLabels > 0 { rateLimitedLabels.increment(by: counters.rateLimitedLabels) }
        Self.increment(labels, by: counters.labels)
        Self.increment(errors, by: counters.errors)
        Self.increment(levels, by: counters.levels)
        totals.withLockedValue { $0.add(counters) }
        counters.reset()
    }

    /// Walks the handles made once in `init`, so collecting allocates nothing.
    private static func increment<Case>(_ counters: [(Case, Counter)], by counts: CaseCounts<Case>) {
        for (key, counter) in counters where counts[key] > 0 { counter.increment(by: counts[key]) }
    }

    /// Refreshes the engine gauges: cards tracked, the event-time clock and housekeeping rounds
    /// run on it, transactions awaiting an outcome, labels held, learner updates, which model
    /// answers and both models' rolling quality.
    public func recordEngineGauges(of engine: RiskEngine) {
        cards.set(engine.cardsTracked)
        devices.set(engine.devices.count)
        merchants.set(engine.merchants.count)
        removed.record([
            engine.cards.evictionCounts, engine.devices.evictionCounts, engine.merchants.evictionCounts,
            engine.outcomeLogRemovals, engine.labelLedgerRemovals,
        ])
        eventClock.set(Int(engine.eventClock))
        housekeepingRounds.set(engine.housekeepingRounds)
        outcomesLogged.set(engine.outcomes?.count ?? 0)
        labelsPending.set(engine.pendingLabelCount)
        labelledRemembered.set(engine.labelledCount)
        reservoirFrauds.set(engine.reservoir.fraudCount)
        reservoirLegitimate.set(engine.reservoir.legitimateCount)
        learnerUpdates.set(engine.learner.updateCount)
        challengerServing.set(engine.challengerServes ? 1 : 0)
        challengerSwitches.set(engine.challengerSwitches)
        // Left as they were while the scoreboard's window lacks a class (no ranking to measure).
        if let quality = engine.modelQuality, quality.champion.isDefined {
            let values = [
                quality.champion.rocAUC, quality.champion.averagePrecision,
                quality.challenger.rocAUC, quality.challenger.averagePrecision,
            ]
            for (meter, value) in zip(modelQuality, values) { meter.set(value) }
        }
    }

    /// Every count collected so far.
    public var totalsSnapshot: ScoringTotals { totals.withLockedValue { $0 } }

    /// Server-side latency so far.
    public var latencySnapshot: LatencyBuckets { totals.withLockedValue { $0.latency } }

    /// The latency histogram in Prometheus text format.
    public func latencyExposition() -> String {
        let snapshot = latencySnapshot
        var text = "# HELP streamify_scoring_seconds Server time per scored transaction (decode to encode).\n"
        text += "# TYPE streamify_scoring_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in LatencyBuckets.boundsMicroseconds.enumerated() {
            cumulative += snapshot[index]
            text += "streamify_scoring_seconds_bucket{le=\"\(Double(bound) / 1_000_000)\"} \(cumulative)\n"
        }
        cumulative += snapshot[LatencyBuckets.bucketCount - 1]
        text += "streamify_scoring_seconds_bucket{le=\"+Inf\"} \(cumulative)\n"
        text += "streamify_scoring_seconds_sum \(Double(snapshot.sumMicroseconds) / 1_000_000)\n"
        text += "streamify_scoring_seconds_count \(cumulative)\n"
        return text
    }
}
