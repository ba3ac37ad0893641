@testable import DashboardDoor
import Logging
import ScoringEngine
import ScoringModel
import Synchronization
import Testing

/// The demo load's controls on their own: a stop or reset answers once the play it ended has
/// returned, whatever comes after it.
@Suite("Demo load controls")
struct DemoLoadTests {
    @Test("a stop answers once its play has returned, though a start came right after it")
    func stopThenStartAnswersTheStop() async throws {
        let demo = DemoLoad(scoring: ScoringService(engine: RiskEngine()), logger: Logger(label: "demo-load-test"))
        let loop = Task { await demo.run() }
        defer { loop.cancel() }
        demo.start(rate: 200)
        #expect(try await DashboardAPITests.waitUntil(seconds: 30) { demo.status.transactionsSent > 0 })

        let stopped = Atomic<Bool>(false)
        let stop = Task {
            await demo.stop()
            stopped.store(true, ordering: .relaxed)
        }
        // The start comes as soon as the stop has ended the play: before the play's next step
        // (every `DemoLoad.stepInterval`) sees it.
        let deadline = ContinuousClock.now + .seconds(30)
        while demo.status.running, ContinuousClock.now < deadline { await Task.yield() }
        demo.start(rate: 200)
        #expect(
            try await DashboardAPITests.waitUntil(seconds: 30) { stopped.load(ordering: .relaxed) },
            "the stop waited for the play the start began")
        #expect(demo.status.running)

        let reset = Task { await demo.reset() }
        await reset.value
        #expect(!demo.status.running && demo.status.transactionsSent == 0)
        loop.cancel()
        await stop.value
    }
}
