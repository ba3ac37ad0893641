@testable import Archive
import Foundation
import Testing

/// When the archive at idle priority holds back: only on a saturated machine, only while the
/// backlog is under half its limit, never longer than its maximum in a row; and how the
/// machine's idle share and the archive thread's CPU share are read.
@Suite("Archive deferral: a burst is scored first and archived after, within bounds")
struct ArchiveDeferralTests {
    static let start = ContinuousClock.now
    static let limit = 1_000_000

    /// What a fresh deferral of `maximum` decides with `idleShare` idle and `backlog` bytes behind.
    static func decides(_ idleShare: Double?, backlog: Int = 1_000, maximum: Duration = .seconds(10)) -> ArchiveDeferral.Decision {
        var deferral = ArchiveDeferral(maximum: maximum)
        return deferral.decide(now: start, idleShare: idleShare, backlog: backlog, backlogLimit: limit)
    }

    @Test("waits only while the CPUs are saturated, there is something to archive and the backlog is under half the limit")
    func conditions() {
        let first = ArchiveDeferral.Decision.wait(ArchiveDeferral.shortestWait)
        #expect(Self.decides(0.02) == first)
        #expect(Self.decides(0.5) == .archive(mayYield: true), "spare CPU: archive, ready to yield")
        #expect(Self.decides(ArchiveDeferral.busyBelowIdleShare) == .archive(mayYield: true))
        #expect(Self.decides(nil) == .archive(mayYield: true), "unknown: archive")
        #expect(Self.decides(0.02, backlog: 0) == .archive(mayYield: true), "nothing to archive: nothing to wait for")
        #expect(Self.decides(0.02, backlog: Self.limit / 2) == .archive(mayYield: false), "half the limit: catch up, whatever the load")
        #expect(Self.decides(0, maximum: .zero) == .archive(mayYield: false), "a zero maximum: never wait, never yield")
    }

    @Test("waits at most its maximum in a row, batches that yield included, then lets a whole batch through; waits grow while batches yield")
    func maximumInARow() {
        var deferral = ArchiveDeferral(maximum: .seconds(10))
        let busy = 0.0
        let spare = 0.9
        // (milliseconds from the start, idle share, and, for a batch let through, whether it yielded), with what was decided.
        let looks: [(Int64, Double, Bool?, ArchiveDeferral.Decision)] = [
            (0, busy, nil, .wait(.milliseconds(50))),
            (50, spare, true, .archive(mayYield: true)),  // a lull, but scoring came back: the run goes on
            (100, busy, nil, .wait(.milliseconds(100))),
            (200, spare, true, .archive(mayYield: true)),
            (250, busy, nil, .wait(.milliseconds(200))),
            (9_950, busy, nil, .wait(.milliseconds(200))),
            (10_000, busy, nil, .archive(mayYield: false)),  // the maximum reached: a whole batch goes
            (15_000, busy, nil, .wait(.milliseconds(50))),  // a new run, from the shortest wait
            (16_000, spare, false, .archive(mayYield: true)),  // a batch ran to its end: the run is over
            (17_000, busy, nil, .wait(.milliseconds(50))),
            (26_950, busy, nil, .wait(.milliseconds(50))),
            (27_000, busy, nil, .archive(mayYield: false)),
        ]
        for (milliseconds, idleShare, yielded, expected) in looks {
            let now = Self.start + .milliseconds(milliseconds)
            let decision = deferral.decide(now: now, idleShare: idleShare, backlog: 1_000, backlogLimit: Self.limit)
            #expect(decision == expected, "at \(milliseconds) ms")
            if let yielded { deferral.finished(yielded: yielded, now: now) }
        }
    }

    @Test("waits grow no longer than the longest wait")
    func longestWait() {
        var deferral = ArchiveDeferral(maximum: .seconds(3_600))
        for step in 0..<20 {
            let now = Self.start + .seconds(step)
            _ = deferral.decide(now: now, idleShare: 0.9, backlog: 1_000, backlogLimit: Self.limit)
            deferral.finished(yielded: true, now: now)
        }
        let decision = deferral.decide(now: Self.start + .seconds(21), idleShare: 0, backlog: 1_000, backlogLimit: Self.limit)
        #expect(decision == .wait(ArchiveDeferral.longestWait))
    }

    @Test("idleness reads /proc/stat's first line, counts idle and iowait of the eight fields, and refuses anything else")
    func idlenessParsing() throws {
        let line = "cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 50 2 25 400 20 1 1 0 3 0\n"
        let jiffies = try #require(CPUIdleness.jiffies(firstLineOf: line))
        #expect(jiffies.idle == 840 && jiffies.total == 1_000)
        #expect(CPUIdleness.jiffies(firstLineOf: "intr 1 2 3 4 5 6") == nil)
        #expect(CPUIdleness.jiffies(firstLineOf: "cpu 1 2 x 4 5 6") == nil)
        #expect(CPUIdleness.jiffies(firstLineOf: "cpu 1 2") == nil)
        #expect(CPUIdleness.jiffies(firstLineOf: "") == nil)
        var missing = CPUIdleness(path: "/nonexistent/stat")
        let unread = missing.sample()
        #expect(unread == nil)
    }

    @Test("on this machine, once time has passed, a sample is a share between 0 and 1")
    func idlenessSample() throws {
        try #require(FileManager.default.fileExists(atPath: "/proc/stat"))
        var idleness = CPUIdleness()
        let first = idleness.sample()
        #expect(first == nil, "the first sample has nothing to compare with")
        // Jiffies advance every few milliseconds; poll, bounded, until one has.
        let deadline = ContinuousClock.now + .seconds(5)
        var share: Double?
        while share == nil, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            share = idleness.sample()
        }
        let measured = try #require(share)
        #expect(measured >= 0 && measured <= 1)
    }
}

/// The archive thread's own CPU share: near 1 while it computes, low while it sleeps.
@Suite("Thread CPU share: how much of the time the archive thread ran")
struct ThreadCPUShareTests {
    @Test("a thread that spins has most of a CPU; one that sleeps has almost none; too short a span says nothing")
    func share() throws {
        var share = ThreadCPUShare()
        let early = share.sample()
        #expect(early == nil, "no span yet")
        // Spin until the span is measurable (bounded by the deadline, not by a count).
        var spun = 0.0
        let deadline = ContinuousClock.now + .seconds(5)
        var spinning: Double?
        while spinning == nil, ContinuousClock.now < deadline {
            for value in 0..<10_000 { spun += Double(value).squareRoot() }
            spinning = share.sample()
        }
        #expect(spun > 0)
        let busy = try #require(spinning)
        // A busy test host may preempt the spinner, so only the two ends are asserted apart.
        Thread.sleep(forTimeInterval: 0.05)
        let slept = share.sample()
        let sleeping = try #require(slept)
        #expect(sleeping < 0.2, "a sleeping thread runs for almost none of the time")
        #expect(busy > sleeping && busy <= 1.05)
    }
}
