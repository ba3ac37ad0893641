@testable import SocketDoor
import Testing

/// The queueing-delay estimate behind `--max-queue-delay`, on made-up clocks (nanoseconds).
@Suite("LoopLateness: how far behind its own work an event loop runs")
struct LoopLatenessTests {
    static let period: UInt64 = 1_250_000
    static let budget: UInt64 = 5_000_000
    static let millisecond: UInt64 = 1_000_000

    @Test("a punctual tick keeps the period and says the loop keeps up")
    func punctual() {
        var lateness = LoopLateness(period: Self.period, now: 0, cpu: 0)
        #expect(lateness.tick(now: Self.period + 10_000, cpu: 50_000) == Self.period)
        #expect(!lateness.isBehind(by: Self.budget, now: Self.period + 20_000) { 60_000 })
    }

    @Test("a tick late while the thread worked says behind; the tick that follows at once clears it when the loop caught up")
    func lateTickThenCaughtUp() {
        var lateness = LoopLateness(period: Self.period, now: 0, cpu: 0)
        // One large batch held the thread for 9 ms: the tick ran 8 ms late.
        let late = Self.period + 8 * Self.millisecond
        #expect(lateness.tick(now: late, cpu: 9 * Self.millisecond) == 0, "a late tick is followed at once")
        #expect(lateness.isBehind(by: Self.budget, now: late + 1_000) { 9 * Self.millisecond })
        // The next round of I/O found nothing more to do: the follow-up tick is punctual.
        #expect(lateness.tick(now: late + 30_000, cpu: 9 * Self.millisecond + 20_000) == Self.period)
        #expect(!lateness.isBehind(by: Self.budget, now: late + 60_000) { 9 * Self.millisecond + 30_000 },
                "a sequential client's next request must not be shed on a stale estimate")
    }

    @Test("while every follow-up tick is late again, the loop stays behind")
    func staysBehindWhileBusy() {
        var lateness = LoopLateness(period: Self.period, now: 0, cpu: 0)
        var now = Self.period + 7 * Self.millisecond
        var cpu = now
        #expect(lateness.tick(now: now, cpu: cpu) == 0)
        for _ in 0..<5 {
            now += 6 * Self.millisecond
            cpu += 6 * Self.millisecond
            #expect(lateness.tick(now: now, cpu: cpu) == 0)
            #expect(lateness.isBehind(by: Self.budget, now: now + 1_000) { cpu })
        }
    }

    @Test("lateness the thread did not spend working is not counted")
    func descheduledIsNotBehind() {
        var lateness = LoopLateness(period: Self.period, now: 0, cpu: 0)
        // The tick ran 20 ms late, but the thread used 0.3 ms of CPU: the host was busy, not the loop.
        #expect(lateness.tick(now: Self.period + 20 * Self.millisecond, cpu: 300_000) == Self.period)
        #expect(!lateness.isBehind(by: Self.budget, now: Self.period + 20 * Self.millisecond + 1_000) { 300_000 })
    }

    @Test("an overdue tick counts while the thread works, and the CPU clock is read only then")
    func overdueWhileWorking() {
        let lateness = LoopLateness(period: Self.period, now: 0, cpu: 0)
        var reads = 0
        #expect(!lateness.isBehind(by: Self.budget, now: Self.period + Self.millisecond) { reads += 1; return 0 })
        #expect(reads == 0, "not overdue past the budget: no system call")
        let overdue = Self.period + 7 * Self.millisecond
        #expect(lateness.isBehind(by: Self.budget, now: overdue) { reads += 1; return 7 * Self.millisecond })
        #expect(!lateness.isBehind(by: Self.budget, now: overdue) { reads += 1; return Self.millisecond })
        #expect(reads == 2)
    }
}
