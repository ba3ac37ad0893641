import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How far behind its own work one event loop runs: the lateness of a tick it runs every
/// `period`, counted only while the loop's thread was busy.
///
/// NIO runs scheduled tasks between rounds of I/O. While the loop is busy with one connection's
/// read burst, requests already sitting in other sockets (and later in the same one) wait, and
/// the next tick runs late by about as long. That is the queueing delay admission control
/// (`--max-queue-delay`) compares with its budget. Lateness the thread did not spend working
/// (the operating system ran something else) is not counted: shedding cannot cure it, and a
/// sequential client on a busy host must not be refused for it. The thread's CPU time tells how
/// much it worked since the last tick; what it worked beyond one period is the most of the
/// lateness it can have spent working. (Counting its whole CPU time since the last tick, as
/// before, counted the period's own work against a preempted loop: a closed-loop client sharing
/// two cores with the daemon had two to three times as many requests refused.)
///
/// Loop-confined: made, started and read on its own event loop.
final class EventLoopDelayProbe {
    private let period: UInt64
    /// When the next tick should run (uptime nanoseconds).
    private var due: UInt64
    /// The thread's CPU time at the last tick.
    private var cpuAtLastTick: UInt64
    /// The thread's voluntary context switches at the last late tick: each is a time it blocked,
    /// which an event loop does only in its poll, with nothing left to do.
    private var blocksAtLastTick: Int
    /// How late the last tick ran while the thread was working, in nanoseconds.
    private var lastLateness: UInt64 = 0
    private var task: RepeatedTask?

    /// A probe ticking every `period` on `loop`; call on `loop`.
    init(period: TimeAmount, on loop: any EventLoop) {
        loop.preconditionInEventLoop()
        self.period = UInt64(max(period.nanoseconds, 1))
        self.due = NIODeadline.now().uptimeNanoseconds + self.period
        self.cpuAtLastTick = Self.threadCPUNanoseconds()
        self.blocksAtLastTick = Self.threadBlocks()
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        task = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            loopBound.value.tick()
        }
    }

    private func tick() {
        let now = NIODeadline.now().uptimeNanoseconds
        let cpu = Self.threadCPUNanoseconds()
        let late = now > due ? now - due : 0
        lastLateness = workedBeyondPeriod(late, cpu: cpu &- cpuAtLastTick)
        due = now + period
        cpuAtLastTick = cpu
        // Compared with only while this tick's lateness is over a budget: not asked of an on-time tick.
        if lastLateness > 0 { blocksAtLastTick = Self.threadBlocks() }
    }

    /// Whether the loop, at `now` (uptime nanoseconds), runs more than `budget` nanoseconds behind:
    /// its last tick ran that late, or the next is already that overdue while the thread works.
    ///
    /// The last tick's lateness holds only while the thread has kept working since that tick: a
    /// loop that has blocked in its poll since, or idled more than `idleSlack`, had no work left
    /// then, so it has caught up, and a request reaching it is not refused for a turn that ended
    /// before. (With the idle time alone, a sequential client answering within `idleSlack` of a
    /// slow turn, such as a debug build's first request, was refused: CI saw it.)
    @inline(__always)
    func isBehind(by budget: UInt64, atUptimeNanoseconds now: UInt64) -> Bool {
        if lastLateness > budget, stillBehindSinceLastTick(atUptimeNanoseconds: now) { return true }
        let overdue = now > due ? now - due : 0
        // Only then ask for the thread's CPU time (a system call): the common case stays cheap.
        guard overdue > budget else { return false }
        return workedBeyondPeriod(overdue, cpu: Self.threadCPUNanoseconds() &- cpuAtLastTick) > budget
    }

    /// Whether the thread has worked through all but `idleSlack` of the time since the last tick
    /// ran (a system call: asked only while that tick's lateness is over a budget).
    private func stillBehindSinceLastTick(atUptimeNanoseconds now: UInt64) -> Bool {
        let sinceTick = now &- (due &- period)
        let worked = Self.threadCPUNanoseconds() &- cpuAtLastTick
        return Self.keptWorking(sinceTick: sinceTick, worked: worked, blocked: hasBlockedSinceLateTick, idleSlack: idleSlack)
    }

    /// Whether the thread has blocked (waited in its poll) since the last late tick ran (a
    /// system call).
    var hasBlockedSinceLateTick: Bool { Self.threadBlocks() != blocksAtLastTick }

    /// Whether a thread that worked `worked` of the `sinceTick` nanoseconds since a tick, and
    /// `blocked` or not in between, has kept working all along: it never blocked, and was idle
    /// no more than `idleSlack`.
    static func keptWorking(sinceTick: UInt64, worked: UInt64, blocked: Bool, idleSlack: UInt64) -> Bool {
        !blocked && sinceTick <= worked &+ idleSlack
    }

    /// The part of `late` (past the tick's due time) the thread can have spent working, given
    /// `cpu` nanoseconds of work since the last tick: what it worked beyond the period.
    @inline(__always)
    private func workedBeyondPeriod(_ late: UInt64, cpu: UInt64) -> UInt64 {
        min(late, cpu > period ? cpu - period : 0)
    }

    /// Time not spent working that still counts as working: the loop's own poll and the
    /// scheduler's bookkeeping between turns, a small part of a period.
    private var idleSlack: UInt64 { period / 16 }

    /// Stops ticking.
    func stop() {
        task?.cancel()
        task = nil
    }

    /// The calling thread's voluntary context switches so far (`RUSAGE_THREAD`, Linux only:
    /// elsewhere always 0, and only the idle time tells).
    private static func threadBlocks() -> Int {
        #if os(Linux)
        var usage = rusage()
        // `RUSAGE_THREAD` (1): Glibc declares it only under `_GNU_SOURCE`.
        guard getrusage(__rusage_who_t(1), &usage) == 0 else { return 0 }
        return usage.ru_nvcsw
        #else
        return 0
        #endif
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
