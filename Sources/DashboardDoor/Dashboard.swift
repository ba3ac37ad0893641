import Foundation
import Logging
import ScoringEngine
import ScoringModel
import StreamifyWire
import Synchronization

/// What the dashboard knows and does, apart from HTTP: the sampled feed, the history of
/// throughput and latency, the demo load, and the figures since the last reset.
///
/// Thread-safe. The HTTP routes (`DashboardRoutes`) call it; `tick()` runs on the door's timer.
final class Dashboard: Sendable {
    let configuration: DashboardConfiguration
    let scoring: ScoringService
    let feed: DecisionFeed
    let demo: DemoLoad
    let metrics = DashboardMetrics()
    private let state: Mutex<State>
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)

    private struct State {
        /// The totals at the last reset: the figures shown count from here.
        var baseline: ScoringTotals
        var history: ThroughputHistory
        var ticks = 0
        var streams = 0
    }

    init(configuration: DashboardConfiguration, scoring: ScoringService, feed: DecisionFeed, logger: Logger) {
        self.configuration = configuration
        self.scoring = scoring
        self.feed = feed
        self.logger = logger
        demo = DemoLoad(scoring: scoring, logger: logger)
        let totals = scoring.metrics.totalsSnapshot
        state = Mutex(
            State(
                baseline: totals,
                history: ThroughputHistory(capacity: configuration.historySeconds, totals: totals, at: .now)))
    }

    /// Ticks per history point.
    private var ticksPerPoint: Int { max(1, 1000 / max(configuration.tickMilliseconds, 1)) }

    /// Grants the feed its next sampling allowance, and once a second adds a history point.
    func tick() {
        feed.grant()
        let perPoint = ticksPerPoint
        // The totals and the clock are read under the lock a reset takes: read before it, they
        // could be older than the baseline a reset installs in between, a point below zero.
        state.withLock { state in
            state.ticks += 1
            guard state.ticks % perPoint == 0 else { return }
            state.history.advance(to: scoring.metrics.totalsSnapshot, atMs: WallClock.unixMilliseconds(), at: .now)
        }
    }

    /// Recent sampled transactions, newest first, at most `limit`.
    func transactions(limit: Int) -> [DecisionView] {
        feed.recent(limit: limit).map(DecisionView.init)
    }

    /// Recent sampled alerts, newest first, at most `limit`.
    func alerts(limit: Int) -> [DecisionView] {
        feed.alerts(limit: limit).map(DecisionView.init)
    }

    /// One sampled decision, if the feed still holds it.
    func decision(transactionID: String) -> DecisionView? {
        feed.entry(transactionID: transactionID).map(DecisionView.init)
    }

    func analytics() -> AnalyticsView {
        // The shares alone: a live stream reads these every second, and copying the rings each
        // time held the lock scoring records its samples under.
        let snapshot = feed.shares()
        // Under the lock a reset takes, as in `tick`.
        let (since, history) = state.withLock { state in (scoring.metrics.totalsSnapshot.since(state.baseline), state.history) }
        let revenue = Double(since.amountMinor) / 100
        let sampledAmount = snapshot.categories.values.reduce(0.0) { $0 + Double($1.amountMinor) }
        var levels: [String: Int] = [:]
        for level in RiskLevel.allCases { levels[level.name] = since.levels[level] }
        let rate = history.meanThroughput(overLast: 10)
        return AnalyticsView(
            totalRevenue: revenue, totalTransactions: since.transactions,
            fraudCount: RiskLevel.allCases.filter { $0 >= DecisionFeed.alertLevel }.reduce(0) { $0 + since.levels[$1] },
            avgTransaction: since.transactions > 0 ? revenue / Double(since.transactions) : 0,
            categoryBreakdown: snapshot.categories.mapValues { share in
                sampledAmount > 0 ? (revenue * Double(share.amountMinor) / Double(sampledAmount) * 100).rounded() / 100 : 0
            },
            paymentMethods: snapshot.paymentMethods.mapValues(\.count), countries: snapshot.countries.mapValues(\.count),
            processingRate: rate, throughput: rate, ratePerMinute: rate * 60,
            latencyP50Us: since.latency.upperBoundMicroseconds(atQuantile: 0.5),
            latencyP99Us: since.latency.upperBoundMicroseconds(atQuantile: 0.99),
            alertLevels: levels, feedback: since.feedback, refusals: since.refusals, sampledTransactions: snapshot.sampled,
            history: history.points, latest: history.points.last, model: ModelView(scoring.engine), demo: DemoView(demo.status))
    }

    func card(id: String) -> CardView? {
        let recent = feed.entries(cardID: id)
        let state = scoring.engine.cards.snapshot(EntityKey(id, key: scoring.engine.configuration.fingerprintKey))
        guard state != nil || !recent.isEmpty else { return nil }
        return CardView(cardID: id, state: state, at: scoring.engine.eventClock, recent: recent)
    }

    func merchant(id: String) -> MerchantView? {
        let recent = feed.entries(merchantID: id)
        let state = scoring.engine.merchants.snapshot(EntityKey(id, key: scoring.engine.configuration.fingerprintKey))
        guard state != nil || !recent.isEmpty else { return nil }
        return MerchantView(merchantID: id, state: state, at: scoring.engine.eventClock, recent: recent)
    }

    /// Why a label could not be sent.
    enum LabelFailure: Error {
        case unknownTransaction
        case invalid(WireError)
        /// The state journal could not be written within `journalWait`: the label is applied and
        /// waits for the journal, or (while the journal refused changes) not applied at all.
        case notDurable(applied: Bool)
    }

    /// How long a label's answer waits for the state journal to take it, trying again every
    /// `journalRetryInterval`, before the analyst is told it is not durable yet. The socket door
    /// holds its answers the same way, for as long as its client waits.
    static let journalWait = Duration.seconds(5)
    static let journalRetryInterval = Duration.milliseconds(100)

    /// Sends an analyst's label for a sampled transaction through the normal feedback path,
    /// reported at the engine's event clock (or the transaction's time, if later), and answers
    /// once the label is in the state journal, as every door does.
    func label(transactionID: String, as label: Label) async -> Result<LabelView, LabelFailure> {
        guard let entry = feed.entry(transactionID: transactionID) else { return .failure(.unknownTransaction) }
        let transaction = entry.transaction
        let feedback = Feedback(
            transactionID: transaction.transactionID, cardID: transaction.cardID, merchantID: transaction.merchantID,
            label: label, eventTimeMs: transaction.eventTimeMs,
            reportedTimeMs: max(transaction.eventTimeMs, EventTime.unixMs(fromSeconds: scoring.engine.eventClock)),
            amountMinor: transaction.amountMinor)
        let arena = MessageArena(capacity: 1024)
        let message = feedback.protobufC(in: arena)
        defer { withExtendedLifetime(arena) {} }
        var counters = ScoringCounters()
        defer { scoring.metrics.collect(&counters) }
        // As the Kafka door does: while the journal refuses changes, writing what an earlier
        // failure left pending lets them go ahead again; an applied label waits to be written.
        var result = scoring.record(message, counters: &counters)
        if case .failure(let error) = result, error != ScoringService.journalFailing { return .failure(.invalid(error)) }
        let deadline = ContinuousClock.now + Self.journalWait
        // After a wait this task may go on on another thread than the one whose decision-log
        // lane took the label's record: every lane is committed then.
        var waited = false
        defer { if waited { scoring.decisionLog?.commitEveryLane() } }
        while true {
            let applied = result != .failure(ScoringService.journalFailing)
            if applied, scoring.commitJournal() { break }
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                logger.error(
                    "analyst label not durable: the state journal cannot be written",
                    metadata: ["transaction": "\(transactionID)", "applied": "\(applied)"])
                return .failure(.notDurable(applied: applied))
            }
            try? await Task.sleep(for: Self.journalRetryInterval)
            waited = true
            if !applied, scoring.commitJournal() { result = scoring.record(message, counters: &counters) }
        }
        switch result {
        case .success(let disposition):
            logger.info(
                "analyst label", metadata: ["transaction": "\(transactionID)", "label": "\(label)", "disposition": "\(disposition.name)"])
            return .success(LabelView(transactionId: transactionID, label: "\(label)", disposition: disposition.name))
        case .failure(let error):
            return .failure(.invalid(error))
        }
    }

    func startGeneration(rate: Int) -> GenerationView {
        demo.start(rate: rate)
        return generationView()
    }

    func stopGeneration() async -> GenerationView {
        await demo.stop()
        return generationView()
    }

    /// Stops the demo and clears the figures, the feed and the history: `total_transactions` is 0 again.
    func reset() async -> GenerationView {
        await demo.reset()
        feed.reset()
        state.withLock { state in
            let totals = scoring.metrics.totalsSnapshot
            state.baseline = totals
            state.history.reset(totals: totals, at: .now)
        }
        return generationView()
    }

    private func generationView() -> GenerationView {
        let status = demo.status
        let transactions = state.withLock { state in scoring.metrics.totalsSnapshot.since(state.baseline).transactions }
        return GenerationView(running: status.running, rate: status.rate, totalTransactions: transactions)
    }

    /// Whether the door is shutting down: live streams end, the demo load stops.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Starts shutting down: live streams end (the door cancels the demo load's loop).
    func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    /// Takes a live-stream slot, given back when the returned value goes away; nil when
    /// `maxStreams` are open.
    ///
    /// Given back by the value's lifetime, not by the stream's body: a client that resets the
    /// connection before the response head is written ends the response without running it.
    func openStream() -> StreamSlot? {
        let taken = state.withLock { state in
            guard state.streams < configuration.maxStreams else {
                metrics.streamsRefused.increment()
                return false
            }
            state.streams += 1
            metrics.streams.set(state.streams)
            return true
        }
        return taken ? StreamSlot(dashboard: self) : nil
    }

    fileprivate func closeStream() {
        state.withLock { state in
            state.streams -= 1
            metrics.streams.set(state.streams)
        }
    }

    /// One live stream's hold on a slot of `maxStreams`.
    final class StreamSlot: Sendable {
        private let dashboard: Dashboard

        fileprivate init(dashboard: Dashboard) {
            self.dashboard = dashboard
        }

        deinit {
            dashboard.closeStream()
        }
    }
}
