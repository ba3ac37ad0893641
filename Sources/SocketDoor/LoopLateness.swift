/// The arithmetic behind `EventLoopDelayProbe`, apart from its clocks: how far behind its own
/// work an event loop runs, from the lateness of a tick and the thread's CPU time.
///
/// All times are nanoseconds: `now` on the uptime clock, `cpu` the loop thread's CPU time.
struct LoopLateness {
    /// How long after a punctual tick the next one is due.
    let period: UInt64
    /// When the next tick is due.
    private(set) var due: UInt64
    /// The thread's CPU time at the last tick.
    private var cpuAtLastTick: UInt64
    /// How late the last tick ran while the thread was working.
    private(set) var lastLateness: UInt64 = 0

    /// An estimate whose first tick is due one `period` after `now`.
    init(period: UInt64, now: UInt64, cpu: UInt64) {
        self.period = max(period, 1)
        self.due = now + self.period
        self.cpuAtLastTick = cpu
    }

    /// Records a tick run at `now`, and returns how long to wait before the next one.
    ///
    /// A tick that ran more than a period late is followed at once by another (delay 0), which runs after the
    /// loop's next round of I/O: if the loop has caught up, that tick is punctual and clears the
    /// estimate before a sequential client's next request arrives; if it has not, that tick is
    /// late again and the estimate stays fresh. Without it, one slow request (a large batch)
    /// would leave a stale "behind" for a whole period, and the same client's next request would
    /// be shed though the loop sat idle.
    mutating func tick(now: UInt64, cpu: UInt64) -> UInt64 {
        let late = now > due ? now - due : 0
        // Lateness the thread did not spend working (the operating system ran something else) is
        // not counted: shedding cannot cure it.
        lastLateness = min(late, cpu &- cpuAtLastTick)
        cpuAtLastTick = cpu
        let delay = lastLateness > period ? 0 : period
        due = now + delay
        return delay
    }

    /// Whether the loop, at `now`, runs more than `budget` behind: its last tick ran that late,
    /// or the next is already that overdue while the thread works. `cpu` is asked only in the
    /// second case (it is a system call), so the common case stays cheap.
    @inline(__always)
    func isBehind(by budget: UInt64, now: UInt64, cpu: () -> UInt64) -> Bool {
        if lastLateness > budget { return true }
        let overdue = now > due ? now - due : 0
        guard overdue > budget else { return false }
        return min(overdue, cpu() &- cpuAtLastTick) > budget
    }
}
