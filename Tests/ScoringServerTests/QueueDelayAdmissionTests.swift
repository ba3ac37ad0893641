import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import SocketDoor

/// How far behind a loop may run before requests are shed, from the budget.
@Suite("Queue-delay admission threshold")
struct QueueDelayAdmissionTests {
    static func admission(budget: TimeAmount) -> QueueDelayAdmission {
        QueueDelayAdmission(
            probe: EventLoopDelayProbe(period: .milliseconds(1), on: EmbeddedEventLoop()),
            budgetNanoseconds: UInt64(budget.nanoseconds))
    }

    @Test("a third of the budget: the other two are a round in the socket and the answer's hold and way back")
    func thirdOfTheBudget() {
        #expect(Self.admission(budget: .milliseconds(6)).thresholdNanoseconds == 2_000_000)
        #expect(Self.admission(budget: .milliseconds(5)).thresholdNanoseconds == 1_666_666)
        #expect(Self.admission(budget: .microseconds(500)).thresholdNanoseconds == 166_666)
    }

    @Test("a loop that is not behind admits")
    func idleLoopAdmits() {
        let admission = Self.admission(budget: .milliseconds(5))
        #expect(admission.admits(atUptimeNanoseconds: NIODeadline.now().uptimeNanoseconds))
    }

    @Test("a loop still working since a late tick is behind; one that blocked in its poll, or idled past the slack, has caught up")
    func keptWorking() {
        let slack: UInt64 = 78_000
        #expect(EventLoopDelayProbe.keptWorking(sinceTick: 500_000, worked: 480_000, blocked: false, idleSlack: slack))
        #expect(!EventLoopDelayProbe.keptWorking(sinceTick: 500_000, worked: 300_000, blocked: false, idleSlack: slack))
        // However soon the next request comes, a loop that blocked had nothing left to do.
        #expect(!EventLoopDelayProbe.keptWorking(sinceTick: 30_000, worked: 25_000, blocked: true, idleSlack: slack))
    }

    @Test("after a slow turn, a loop that has since waited for work admits the next request")
    func slowTurnThenIdleAdmits() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let admitted = try await loop.flatSubmit {
            let admission = QueueDelayAdmission(
                probe: EventLoopDelayProbe(period: .milliseconds(5), on: loop), budgetNanoseconds: 5_000_000)
            // A turn of 20 ms of work, like a debug build's first request: the tick due in it runs 15 ms late.
            let end = NIODeadline.now() + .milliseconds(20)
            var spun = 0.0
            while NIODeadline.now() < end { spun += 1 }
            let didSpin = spun > 0
            let bound = NIOLoopBound(admission, eventLoop: loop)
            let promise = loop.makePromise(of: Bool.self)
            // The next request comes once the late tick has run and the loop has waited, before the
            // next tick. On a busy host the loop may be late enough to run the tick and the request
            // in one turn, never waiting between them: that loop is still catching up, and the
            // request is tried again a little later, a few times at most.
            func request(triesLeft: Int) {
                loop.scheduleTask(in: .milliseconds(1)) {
                    let admission = bound.value
                    if !admission.probe.hasBlockedSinceLateTick, triesLeft > 1 {
                        request(triesLeft: triesLeft - 1)
                    } else {
                        promise.succeed(didSpin && admission.admits(atUptimeNanoseconds: NIODeadline.now().uptimeNanoseconds))
                    }
                }
            }
            request(triesLeft: 3)
            return promise.futureResult
        }.get()
        #expect(admitted)
        try await group.shutdownGracefully()
    }
}
