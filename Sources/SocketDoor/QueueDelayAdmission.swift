/// Admission control on queueing delay (`--max-queue-delay`): a scoring request that reaches an
/// event loop running further behind than the budget is answered OVERLOADED instead of scored.
///
/// Shedding costs a peek and a small error frame, a fraction of scoring, so a loop that sheds
/// catches up: admitted requests keep a short wait, and the excess learns at once that it should
/// back off or go elsewhere, instead of every request waiting longer and longer.
///
/// A request is scored only while the loop runs less than half the budget behind. The probe sees
/// how late the loop's own work runs, not how long bytes sat in a socket before the loop came
/// round to read them: a request can wait up to one loop round in its socket and then up to
/// another in the loop, so keeping a round under half the budget keeps the sum under it.
/// Measured at 3x overload (docs/performance.md §6): a scored answer's p99 fell from 8.7 to
/// 5.6 ms with a 5 ms budget.
struct QueueDelayAdmission {
    /// The loop's delay estimate.
    let probe: EventLoopDelayProbe
    /// The longest a request should wait before it is scored (`--max-queue-delay`).
    let budgetNanoseconds: UInt64

    /// Whether a scoring request read at `now` (uptime nanoseconds) is scored.
    @inline(__always)
    func admits(atUptimeNanoseconds now: UInt64) -> Bool {
        !probe.isBehind(by: budgetNanoseconds / 2, atUptimeNanoseconds: now)
    }
}
