import Foundation
import Logging
import NIOCore
import ScoringEngine
import ScoringModel
import StreamifyWire
import Synchronization
import SyntheticWorld

/// The dashboard's built-in demo load: the synthetic world scored in-process through the
/// same `ScoringService` every door uses, with its delayed outcomes reported as labels, at a rate
/// set from the page. It keeps its own tally of detection against the world's ground truth.
///
/// Its loop (`run`) is a child task of the HTTP door, so it lives exactly as long as the door:
/// it idles until `start`, scores what is due every `stepInterval`, and idles again on `stop` or
/// `reset`. A demo, not a door, so it never touches the socket door's event loops.
final class DemoLoad: Sendable {
    /// What the demo is doing and has done since its last reset.
    struct Status: Sendable {
        var running = false
        var rate = 0
        var transactionsSent = 0
        var labelsSent = 0
        /// Transactions due that were never played: scoring fell more than a few steps behind
        /// the rate, and the demo sheds rather than catch up without end.
        var transactionsShed = 0
        var tally = DetectionTally()
    }

    private let scoring: ScoringService
    private let logger: Logger
    private let state = Mutex(State())
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    static let stepInterval = Duration.milliseconds(20)

    /// What the loop should play: the rate, and the generation its counts belong to.
    private struct Plan: Equatable {
        var rate: Int
        var generation: Int
        /// Bumped by every start, stop and reset: a playing loop returns once it changes.
        var order: Int
    }

    private struct State {
        var status = Status()
        /// Bumped by every reset, so the last step of a loop stopped by it counts nowhere.
        var generation = 0
        var order = 0
        /// The `order` of the plan the loop is playing; nil when it plays none.
        var playingOrder: Int?
        /// Stops and resets waiting for the play they ended to return.
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        var plan: Plan? { status.running ? Plan(rate: status.rate, generation: generation, order: order) : nil }
    }

    init(scoring: ScoringService, logger: Logger) {
        self.scoring = scoring
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var status: Status { state.withLock { $0.status } }

    /// Starts the load at `rate` transactions per second, or changes the rate of a running one.
    func start(rate: Int) {
        state.withLock { state in
            state.order += 1
            state.status.running = true
            state.status.rate = rate
        }
        wake.yield()
        logger.info("demo load started", metadata: ["rate": "\(rate)"])
    }

    /// Stops the load and returns once its last step is counted; what it sent stays counted.
    func stop() async {
        let order = state.withLock { state in
            state.order += 1
            state.status.running = false
            return state.order
        }
        wake.yield()
        await untilPlaysBefore(order)
    }

    /// Stops the load and forgets its counts; the next start plays a new stretch of the world.
    func reset() async {
        let order = state.withLock { state in
            state.order += 1
            state.generation += 1
            state.status = Status()
            return state.order
        }
        wake.yield()
        await untilPlaysBefore(order)
    }

    /// The loop: plays each plan it is woken for until the plan changes; returns when cancelled.
    func run() async {
        for await _ in wakes {
            while let plan = nextPlan() {
                await play(plan)
            }
        }
        state.withLock { $0.status.running = false }
        _ = nextPlan()
    }

    /// The plan to play next, or nil when there is none or the loop is cancelled; releases the
    /// waiters either way, as the play they waited for has returned (its last step counted).
    /// Not only when nothing follows: a start just after a stop would hold the stop's answer
    /// until some later stop.
    private func nextPlan() -> Plan? {
        let (plan, waiters): (Plan?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            let plan = Task.isCancelled ? nil : state.plan
            state.playingOrder = plan?.order
            defer { state.idleWaiters.removeAll() }
            return (plan, state.idleWaiters)
        }
        for waiter in waiters { waiter.resume() }
        return plan
    }

    /// Returns once the loop plays no plan made before `order` (the stop's or reset's own): a
    /// play a later start began is not waited for.
    private func untilPlaysBefore(_ order: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                guard let playing = state.playingOrder, playing < order else { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The most steps' worth of transactions one step plays: a step that finds more due (the
    /// engine scores slower than the rate, or the host stalled) plays these and sheds the rest,
    /// so every step ends soon, sees a stop, and counts a bounded batch of decisions.
    static let stepsCaughtUp = 4

    /// Plays the world at the plan's rate, one step every `stepInterval`, until the plan changes.
    private func play(_ plan: Plan) async {
        let (rate, generation) = (plan.rate, plan.generation)
        let startMs = WorldConfiguration.demoStartMs(wallClockMs: WallClock.unixMilliseconds(), eventClockMs: scoring.eventClockMs)
        var stream = TransactionStream(configuration: .demo(rate: rate, startMs: startMs))
        let perStep = max(1, Int(Double(rate) * (Self.stepInterval / .seconds(1)) * Double(Self.stepsCaughtUp)))
        let arena = MessageArena()
        var counters = ScoringCounters()
        let clock = ContinuousClock()
        let started = clock.now
        var sent = 0
        var shed = 0
        /// This step's decisions (score, level, truth), counted under the lock once per step.
        var decisions: [(Float, Int32, UInt8)] = []
        decisions.reserveCapacity(perStep)
        while !Task.isCancelled, state.withLock({ $0.plan == plan }) {
            let due = Int((clock.now - started) / .seconds(1) * Double(rate)) - shed
            let shedNow = max(0, due - sent - perStep)
            shed += shedNow
            let stepDue = due - shedNow
            var transactionsSent = 0
            var labelsSent = 0
            decisions.removeAll(keepingCapacity: true)
            while sent < stepDue, !Task.isCancelled {
                arena.reset()
                switch stream.next() {
                case .transaction(let labelled):
                    sent += 1
                    transactionsSent += 1
                    // Server time per transaction, measured as the socket door's FrameProcessor does.
                    let started = NIODeadline.now().uptimeNanoseconds
                    let result = scoring.score(labelled.transaction.protobufC(in: arena), counters: &counters)
                    counters.latency.record(microseconds: UInt32(clamping: (NIODeadline.now().uptimeNanoseconds &- started) / 1000))
                    if case .success(let decision) = result {
                        decisions.append((decision.assessment.score, decision.assessment.level.rawValue, labelled.truth.code))
                    }
                case .feedback(let feedback, _):
                    labelsSent += 1
                    _ = scoring.record(feedback.protobufC(in: arena), counters: &counters)
                }
            }
            scoring.commitJournal()
            scoring.metrics.collect(&counters)
            let current = state.withLock { state in
                guard state.generation == generation else { return false }
                state.status.transactionsSent += transactionsSent
                state.status.labelsSent += labelsSent
                state.status.transactionsShed += shedNow
                for (score, level, truth) in decisions {
                    state.status.tally.record(score: score, levelRawValue: level, truthCode: truth)
                }
                return true
            }
            guard current else { return }
            try? await Task.sleep(for: Self.stepInterval)
        }
    }
}
