import ScoringModel
import Testing

@Suite("Engine state: written and read back")
struct EngineStateTests {
    typealias F = LearningFixtures

    /// An engine with state in every part: cards, devices, merchants, the outcome log, a held
    /// label and a learned challenger.
    static func busyEngine(stripes: Int = 4) -> RiskEngine {
        var configuration = F.configuration(maturityDays: 2, delayDays: 1)
        configuration.stripeCount = stripes
        let engine = RiskEngine(configuration: configuration)
        for index in 0..<2_000 {
            let time = TransactionScript.start + Int64(index) * 60_000
            _ = engine.score(
                F.transaction(
                    "t\(index)", card: "c\(index % 300)", merchant: "m\(index % 40)", device: "d\(index % 500)",
                    ip: "10.0.\(index % 7).\(index % 200)", amountMinor: Int64(500 + index % 900 * 37), at: time))
            if index % 97 == 0 {
                // Reported in an hour, so the latest ones are still held when the state is written.
                _ = engine.record(F.label("t\(index)", card: "c\(index % 300)", eventTimeMs: time, reportedTimeMs: time + 3_600_000))
            }
        }
        return engine
    }

    static func state(of engine: RiskEngine) -> [UInt8] {
        var writer = StateWriter()
        engine.writeState(to: &writer)
        return writer.finish()
    }

    @Test("a restored engine writes the same state and scores the next transactions the same", arguments: [4, 1])
    func roundTrip(restoredStripes: Int) throws {
        let engine = Self.busyEngine()
        let state = Self.state(of: engine)
        var configuration = engine.configuration
        configuration.stripeCount = restoredStripes
        let restored = RiskEngine(configuration: configuration)
        var reader = StateReader(state)
        let report = try restored.restoreState(from: &reader)
        #expect(report == StateRestoreReport())
        #expect(restored.cardsTracked == engine.cardsTracked)
        #expect(restored.learner.updateCount == engine.learner.updateCount)
        // (Not compared byte for byte: a copied entry need not keep its padding bytes.)
        let next = TransactionScript.start + 2_000 * 60_000
        for index in 0..<200 {
            let transaction = F.transaction("n\(index)", card: "c\(index % 300)", merchant: "m\(index % 40)", at: next + Int64(index) * 1_000)
            let (mine, theirs) = (restored.score(transaction), engine.score(transaction))
            #expect(mine.score == theirs.score && mine.level == theirs.level)
            for factor in RiskFactor.allCases {
                #expect(mine[factor].score == theirs[factor].score && mine[factor].reason == theirs[factor].reason)
            }
        }
    }

    @Test("state cut short anywhere is refused with an error, never a crash")
    func truncatedState() {
        let state = Self.state(of: Self.busyEngine(stripes: 1))
        for length in stride(from: 0, to: state.count, by: max(1, state.count / 997)) {
            var reader = StateReader(Array(state[..<length]))
            #expect(throws: StateFormatError.self) { try RiskEngine(configuration: F.configuration()).restoreState(from: &reader) }
        }
    }

    @Test("smaller tables keep what fits and say how much did not")
    func smallerTables() throws {
        let engine = Self.busyEngine()
        var configuration = engine.configuration
        configuration.maximumCards = 100
        let restored = RiskEngine(configuration: configuration)
        var reader = StateReader(Self.state(of: engine))
        let report = try restored.restoreState(from: &reader)
        #expect(restored.cardsTracked <= 100)
        #expect(report.droppedEntries == engine.cardsTracked - restored.cardsTracked)
    }

    @Test("under another champion the tables come back and the challenger starts over from the new one")
    func replacedChampion() throws {
        let engine = Self.busyEngine()
        let model = try F.logisticModel(version: "next-champion")
        let restored = RiskEngine(configuration: engine.configuration, model: model)
        var reader = StateReader(Self.state(of: engine))
        let report = try restored.restoreState(from: &reader)
        #expect(report.replacedChampion == RiskModel.builtIn.version)
        #expect(restored.cardsTracked == engine.cardsTracked)
        #expect(restored.models.champion == model)
        #expect(restored.models.generation == engine.models.generation &+ 1)
        #expect(restored.learner.updateCount == 0)
    }
}
