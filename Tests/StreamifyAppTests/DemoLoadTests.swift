@testable import DashboardDoor
import Logging
import ScoringTestSupport
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
        // Off the cooperative pool, as the dashboard's own loop runs in the server's tasks: on a
        // host busy with the rest of the suite the pool sent nothing within 30 s.
        let loop = Task(executorPreference: DedicatedThreadsExecutor.shared) { await demo.run() }
        defer { loop.cancel() }
        demo.start(rate: 200)
        #expect(try await DashboardAPITests.waitUntil(seconds: 120) { demo.status.transactionsSent > 0 })

        let stopped = Atomic<Bool>(false)
        let stop = Task(executorPreference: DedicatedThreadsExecutor.shared) {
            await demo.stop()
            stopped.store(true, ordering: .relaxed)
        }
        // The start comes as soon as the stop has ended the play: before the play's next step
        // (every `DemoLoad.stepInterval`) sees it.
        let deadline = ContinuousClock.now + .seconds(30)
        while demo.status.running, ContinuousClock.now < deadline { await Task.yield() }
        demo.start(rate: 200)
        #expect(
            try await DashboardAPITests.waitUntil(seconds: 120) { stopped.load(ordering: .relaxed) },
            "the stop waited for the play the start began")
        #expect(demo.status.running)

        let reset = Task { await demo.reset() }
        await reset.value
        #expect(!demo.status.running && demo.status.transactionsSent == 0)
        loop.cancel()
        await stop.value
    }
}
