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
/// Its loop runs as a task on the cooperative pool, scoring what is due every `stepInterval`:
/// a demo, not a door, so it never touches the socket door's event loops.
final class DemoLoad: Sendable {
    /// What the demo is doing and has done since its last reset.
    struct Status: Sendable {
        var running = false
        var rate = 0
        var transactionsSent = 0
        var labelsSent = 0
        var tally = DetectionTally()
    }

    private let scoring: ScoringService
    private let logger: Logger
    private let state = Mutex(State())
    static let stepInterval = Duration.milliseconds(20)

    private struct State {
        var status = Status()
        var task: Task<Void, Never>?
        /// Bumped by every reset, so the last step of a loop stopped by it counts nowhere.
        var generation = 0
    }

    init(scoring: ScoringService, logger: Logger) {
        self.scoring = scoring
        self.logger = logger
    }

    var status: Status { state.withLock { $0.status } }

    /// Starts the load at `rate` transactions per second, or changes the rate of a running one.
    func start(rate: Int) async {
        let previous: Task<Void, Never>? = state.withLock { state in
            defer { state.task = nil }
            return state.task
        }
        previous?.cancel()
        await previous?.value
        state.withLock { state in
            state.task?.cancel()  // a start that raced this one
            state.status.running = true
            state.status.rate = rate
            let generation = state.generation
            state.task = Task { [self] in await run(rate: rate, generation: generation) }
        }
        logger.info("demo load started", metadata: ["rate": "\(rate)"])
    }

    /// Stops the load and returns once its last step is counted; what it sent stays counted.
    func stop() async {
        let task: Task<Void, Never>? = state.withLock { state in
            state.status.running = false
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        await task?.value
    }

    /// Stops the load and forgets its counts; the next start plays a new stretch of the world.
    func reset() async {
        let task: Task<Void, Never>? = state.withLock { state in
            state.generation += 1
            state.status = Status()
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        await task?.value
    }

    private func run(rate: Int, generation: Int) async {
        let startMs = Int64(Date().timeIntervalSince1970 * 1000)
        var stream = TransactionStream(configuration: .demo(rate: rate, startMs: startMs))
        let arena = MessageArena()
        var counters = ScoringCounters()
        let clock = ContinuousClock()
        let started = clock.now
        var sent = 0
        /// This step's decisions (score, level, truth), counted under the lock once per step.
        var decisions: [(Float, Int32, UInt8)] = []
        while !Task.isCancelled {
            let due = Int((clock.now - started) / .seconds(1) * Double(rate))
            var transactionsSent = 0
            var labelsSent = 0
            decisions.removeAll(keepingCapacity: true)
            while sent < due, !Task.isCancelled {
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
