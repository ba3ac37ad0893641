import NIOCore
import NIOEmbedded
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
}
