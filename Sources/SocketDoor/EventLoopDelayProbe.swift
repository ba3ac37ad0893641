import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How far behind its own work one event loop runs: the lateness of a tick it runs every
/// `period`, counted only while the loop's thread was busy (`LoopLateness` holds the arithmetic).
///
/// NIO runs scheduled tasks between rounds of I/O. While the loop is busy with one connection's
/// read burst, requests already sitting in other sockets (and later in the same one) wait, and
/// the next tick runs late by about as long. That is the queueing delay admission control
/// (`--max-queue-delay`) compares with its budget. Lateness the thread did not spend working
/// (the operating system ran something else) is not counted: shedding cannot cure it, and a
/// sequential client on a busy host must not be refused for it.
///
/// Loop-confined: made, started and read on its own event loop.
final class EventLoopDelayProbe {
    private let loop: any EventLoop
    private var lateness: LoopLateness
    private var next: Scheduled<Void>?
    private var stopped = false

    /// A probe ticking every `period` on `loop`; call on `loop`.
    init(period: TimeAmount, on loop: any EventLoop) {
        loop.preconditionInEventLoop()
        self.loop = loop
        self.lateness = LoopLateness(
            period: UInt64(max(period.nanoseconds, 1)), now: NIODeadline.now().uptimeNanoseconds, cpu: Self.threadCPUNanoseconds())
        schedule(in: lateness.period)
    }

    private func schedule(in delay: UInt64) {
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        next = loop.scheduleTask(in: .nanoseconds(Int64(delay))) { loopBound.value.tick() }
    }

    private func tick() {
        guard !stopped else { return }
        schedule(in: lateness.tick(now: NIODeadline.now().uptimeNanoseconds, cpu: Self.threadCPUNanoseconds()))
    }

    /// Whether the loop, at `now` (uptime nanoseconds), runs more than `budget` nanoseconds behind.
    @inline(__always)
    func isBehind(by budget: UInt64, atUptimeNanoseconds now: UInt64) -> Bool {
        lateness.isBehind(by: budget, now: now, cpu: Self.threadCPUNanoseconds)
    }

    /// Stops ticking.
    func stop() {
        stopped = true
        next?.cancel()
        next = nil
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
