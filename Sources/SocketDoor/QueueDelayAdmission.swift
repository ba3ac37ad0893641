/// Admission control on queueing delay (`--max-queue-delay`): a scoring request that reaches an
/// event loop running further behind than the budget is answered OVERLOADED instead of scored.
///
/// Shedding costs a peek and a small error frame, a fraction of scoring, so a loop that sheds
/// catches up: admitted requests keep a short wait, and the excess learns at once that it should
/// back off or go elsewhere, instead of every request waiting longer and longer.
///
/// A request is scored only while the loop runs less than a third of the budget behind. The probe
/// sees how late the loop's own work runs, not how long bytes sat in a socket before the loop
/// came round to read them, nor what follows the scoring. So the budget is split in three: a
/// request can wait up to one loop round in its socket, then up to another in the loop, and its
/// answer then waits up to `ScoringHandler.maxAnswerHold` for the rest of its read burst and
/// travels back to the client. Measured at 3x overload with a 5 ms budget (docs/performance.md
/// §6): a scored answer's p99 was 8.7 ms without admission, 5.4–5.8 ms at half the budget (the
/// last third not set aside), 4.2–4.7 ms at a third.
struct QueueDelayAdmission {
    /// The loop's delay estimate.
    let probe: EventLoopDelayProbe
    /// How far behind the loop may run while requests are still scored.
    let thresholdNanoseconds: UInt64

    /// The parts a budget is split in; the loop may run one of them behind.
    static let budgetParts: UInt64 = 3

    /// Admission for a budget of `budgetNanoseconds` (`--max-queue-delay`) from a request's
    /// arrival to its answer's.
    init(probe: EventLoopDelayProbe, budgetNanoseconds: UInt64) {
        self.probe = probe
        self.thresholdNanoseconds = budgetNanoseconds / Self.budgetParts
    }

    /// Whether a scoring request read at `now` (uptime nanoseconds) is scored.
    @inline(__always)
    func admits(atUptimeNanoseconds now: UInt64) -> Bool {
        !probe.isBehind(by: thresholdNanoseconds, atUptimeNanoseconds: now)
    }
}
