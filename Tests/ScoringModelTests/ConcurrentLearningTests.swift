import Dispatch
import ScoringModel
import Synchronization
import Testing

@Suite("Learning while serving")
struct ConcurrentLearningTests {
    typealias F = LearningFixtures

    @Test("scores stay well-formed while labels, maturity, publications and installs run concurrently")
    func concurrent() throws {
        let base = try F.logisticModel()
        let learning = LearningConfiguration(learningRate: 0.1, positiveWeight: 3, publishEvery: 5)
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 1, learning: learning), model: base)
        let perThread = 3_000
        let bad = Atomic<Int>(0)
        let versions = Mutex<Set<String>>([])
        DispatchQueue.concurrentPerform(iterations: 5) { worker in
            switch worker {
            case 0..<3:
                var seen: Set<String> = []
                for index in 0..<perThread {
                    let models = engine.models
                    let result = engine.score(
                        F.transaction(
                            "w\(worker)-\(index)", card: "w\(worker)-c\(index % 200)", merchant: "m\(index % 9)",
                            device: "d\(index % 50)", ip: "ip\(index % 30)",
                            at: TransactionScript.start + Int64(index) * 60_000,
                            method: index % 4 == 0 ? "bnpl" : "credit_card"),
                        with: models)
                    let total = RiskFactor.allCases.reduce(Float(0)) { $0 + result[$1].contribution }
                    if !(result.score >= 0 && result.score <= 1) || abs(total - result.score) > 1e-4 {
                        bad.add(1, ordering: .relaxed)
                    }
                    seen.insert(models.served.version)
                }
                versions.withLock { $0.formUnion(seen) }
            case 3:
                for index in stride(from: 0, to: perThread, by: 4) {
                    engine.record(
                        F.label(
                            "w0-\(index)", card: "w0-c\(index % 200)", merchant: "m\(index % 9)",
                            eventTimeMs: TransactionScript.start + Int64(index) * 60_000,
                            reportedTimeMs: TransactionScript.start + Int64(index) * 60_000 + F.hour))
                }
            default:
                for round in 0..<200 {
                    engine.settleOutcomes()
                    if round == 100 { engine.install(base) }
                }
            }
        }
        // Move the clock past every reported time and maturity: held labels are applied and the
        // rest of the log is learned from.
        let updatesBefore = engine.learner.updateCount
        _ = engine.score(F.transaction("late", card: "late", at: TransactionScript.start + 5 * F.day))
        engine.settleOutcomes()
        #expect(bad.load(ordering: .relaxed) == 0)
        #expect(engine.pendingLabelCount == 0)
        #expect(engine.learner.updateCount > updatesBefore)
        #expect(versions.withLock { $0.contains("logistic-test-1") })
        let final = engine.models.challenger
        #expect(final.version.hasPrefix("logistic-test-1+online."), "the challenger learned: \(final.version)")
        #expect(try RiskModel.decode(json: Array(try final.encodedJSON())) == final)
    }
}
