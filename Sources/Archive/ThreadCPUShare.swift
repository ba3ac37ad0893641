#if canImport(Glibc)
import Glibc
#endif

/// The share of wall-clock time the calling thread spent on a CPU since the last look: near 1
/// for a thread that had a CPU to itself, low for one at `SCHED_IDLE` that busier threads keep
/// preempting (`ArchiveDeferral.yieldsBelowCPUShare`). Only the thread that made it may use it.
struct ThreadCPUShare {
    private var lastCPU: UInt64
    private var lastWall: UInt64

    /// Starts measuring from now.
    init() {
        lastCPU = Self.nanoseconds(CLOCK_THREAD_CPUTIME_ID)
        lastWall = Self.nanoseconds(CLOCK_MONOTONIC)
    }

    /// Starts measuring anew from now.
    mutating func restart() {
        self = ThreadCPUShare()
    }

    /// The share since the previous look (or since `init`), and starts measuring anew; nil
    /// when too little time passed to tell (`minimumSpan`).
    mutating func sample() -> Double? {
        let cpu = Self.nanoseconds(CLOCK_THREAD_CPUTIME_ID)
        let wall = Self.nanoseconds(CLOCK_MONOTONIC)
        guard wall - lastWall >= Self.minimumSpan else { return nil }
        defer { (lastCPU, lastWall) = (cpu, wall) }
        return Double(cpu - lastCPU) / Double(wall - lastWall)
    }

    /// Ten milliseconds: a few scheduler ticks, so one preemption does not decide.
    static let minimumSpan: UInt64 = 10_000_000

    private static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
