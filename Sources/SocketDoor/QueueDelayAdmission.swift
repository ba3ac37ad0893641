/// Admission control on queueing delay (`--max-queue-delay`): a scoring request that reaches an
/// event loop running further behind than the budget is answered OVERLOADED instead of scored.
///
/// Shedding costs a peek and a small error frame, a fraction of scoring, so a loop that sheds
/// catches up: admitted requests keep a short wait, and the excess learns at once that it should
/// back off or go elsewhere, instead of every request waiting longer and longer.
struct QueueDelayAdmission {
    /// The loop's delay estimate.
    let probe: EventLoopDelayProbe
    /// The longest estimated wait at which a request is still scored.
    let budgetNanoseconds: UInt64

    /// Whether a scoring request read at `now` (uptime nanoseconds) is scored.
    @inline(__always)
    func admits(atUptimeNanoseconds now: UInt64) -> Bool {
        !probe.isBehind(by: budgetNanoseconds, atUptimeNanoseconds: now)
    }
}
