import ScoringModel
import Testing

@Suite("Champion and challenger")
struct ChampionChallengerTests {
    typealias F = LearningFixtures

    /// Outcomes where one model ranks perfectly and the other backwards.
    static func record(
        on scoreboard: ModelScoreboard, count: Int, at seconds: UInt32, championRanksBetter: Bool
    ) {
        for index in 0..<count {
            let fraud = index % 10 == 0
            let good: Float = fraud ? 0.9 : 0.05
            let bad: Float = fraud ? 0.05 : 0.9
            scoreboard.record(
                champion: championRanksBetter ? good : bad, challenger: championRanksBetter ? bad : good,
                fraud: fraud, at: seconds)
        }
    }

    @Test("the histogram's AUC and average precision match the exact ones where scores fall in distinct bins")
    func histogramQuality() {
        var histogram = ScoreHistogram()
        // Frauds at 0.9, 0.6, 0.2; legitimate at 0.7, 0.3, 0.1, 0.05.
        for score: Float in [0.9, 0.6, 0.2] { histogram.add(score: score, fraud: true) }
        for score: Float in [0.7, 0.3, 0.1, 0.05] { histogram.add(score: score, fraud: false) }
        let quality = histogram.quality
        // Pairs ranked right: 0.9 beats 4, 0.6 beats 3, 0.2 beats 2 → 9 of 12.
        #expect(abs(quality.rocAUC - 9.0 / 12) < 1e-12)
        // Precision at each fraud: 1/1, 2/3, 3/5.
        #expect(abs(quality.averagePrecision - (1 + 2.0 / 3 + 3.0 / 5) / 3) < 1e-12)
        #expect(quality.frauds == 3 && quality.legitimate == 4)
        // Ties share a bin: half credit.
        var tied = ScoreHistogram()
        tied.add(score: 0.5, fraud: true)
        tied.add(score: 0.5, fraud: false)
        #expect(tied.quality.rocAUC == 0.5)
    }

    @Test("levels start where the outcomes at or above reach the target precision")
    func calibratedLevels() throws {
        var histogram = ScoreHistogram()
        for _ in 0..<10 { histogram.add(score: 0.95, fraud: true) }
        for _ in 0..<10 { histogram.add(score: 0.5, fraud: true) }
        for _ in 0..<10 { histogram.add(score: 0.5, fraud: false) }
        for _ in 0..<100 { histogram.add(score: 0.01, fraud: false) }
        let thresholds = try #require(ChallengerPolicy().thresholds(from: histogram))
        #expect(thresholds.medium > 0.4 && thresholds.medium <= 0.5, "\(thresholds)")
        #expect(thresholds.high > 0.9 && thresholds.high <= 0.95, "\(thresholds)")
        #expect(thresholds.critical > thresholds.high)
    }

    @Test("the challenger takes over only past the margin and on enough outcomes, and hands back when it falls behind")
    func switchAndFallback() {
        let policy = ChallengerPolicy(margin: 0.02, minimumFrauds: 30, minimumLegitimate: 300)
        let engine = RiskEngine(configuration: F.configuration(learning: LearningConfiguration(challenger: policy)))
        _ = engine.score(F.transaction("t", card: "c", at: TransactionScript.start))
        let day = engine.eventClock
        // Too few outcomes: no comparison counts yet.
        Self.record(on: engine.scoreboard, count: 200, at: day, championRanksBetter: false)
        engine.settleOutcomes()
        #expect(!engine.challengerServes)
        #expect(engine.modelQuality?.challenger.frauds == 20)
        // Enough, and better by far: it takes over, with levels calibrated on those outcomes.
        Self.record(on: engine.scoreboard, count: 300, at: day, championRanksBetter: false)
        engine.settleOutcomes()
        #expect(engine.challengerServes)
        #expect(engine.challengerSwitches == 1)
        #expect(engine.model.thresholds != RiskModel.builtIn.thresholds)
        // It degrades: the champion answers again.
        Self.record(on: engine.scoreboard, count: 2_000, at: day, championRanksBetter: true)
        engine.settleOutcomes()
        #expect(!engine.challengerServes)
        #expect(engine.challengerSwitches == 2)
        #expect(engine.model == .builtIn)
    }

    @Test("outcomes older than the window stop counting")
    func window() {
        let scoreboard = ModelScoreboard(windowDays: 7)
        let day: UInt32 = 20_000 * 86_400
        Self.record(on: scoreboard, count: 100, at: day, championRanksBetter: true)
        #expect(scoreboard.quality(at: day + 6 * 86_400).champion.frauds == 10)
        #expect(scoreboard.quality(at: day + 7 * 86_400).champion.frauds == 0)
        Self.record(on: scoreboard, count: 100, at: day + 8 * 86_400, championRanksBetter: true)
        Self.record(on: scoreboard, count: 100, at: day, championRanksBetter: true)
        #expect(scoreboard.quality(at: day + 8 * 86_400).champion.frauds == 10, "outcomes from before the window never count")
    }

    @Test("nothing reaches the refit reservoir or the scoreboard before it could have been known")
    func labelDelay() {
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2))
        let t0 = TransactionScript.start
        _ = engine.score(F.transaction("a", card: "A", at: t0))
        #expect(engine.record(F.label("a", card: "A", eventTimeMs: t0, reportedTimeMs: t0 + F.day)) == .deferred)
        _ = engine.score(F.transaction("b", card: "B", at: t0 + F.day - F.hour))
        engine.settleOutcomes()
        #expect(engine.reservoir.fraudCount == 0, "reported later than the clock: held")
        #expect(engine.modelQuality?.champion.frauds == 0)
        _ = engine.score(F.transaction("c", card: "C", at: t0 + F.day + F.hour))
        engine.settleOutcomes()
        #expect(engine.reservoir.fraudCount == 1)
        #expect(engine.modelQuality?.champion.frauds == 1)
        #expect(engine.modelQuality?.champion.legitimate == 0, "nothing has matured yet")
        _ = engine.score(F.transaction("d", card: "D", at: t0 + 3 * F.day))
        engine.settleOutcomes()
        #expect(engine.modelQuality?.champion.legitimate == 1, "b matured as legitimate; c and d have not")
    }

    @Test("after a champion is installed, outcomes the old models scored judge neither new one")
    func installStartsTheScoreboardOver() throws {
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2))
        let t0 = TransactionScript.start
        _ = engine.score(F.transaction("old", card: "A", at: t0))
        engine.install(try F.logisticModel())
        _ = engine.score(F.transaction("new", card: "B", at: t0 + F.hour))
        #expect(engine.record(F.label("old", card: "A", eventTimeMs: t0, reportedTimeMs: t0 + F.hour)) == .applied)
        #expect(engine.record(F.label("new", card: "B", eventTimeMs: t0 + F.hour, reportedTimeMs: t0 + F.hour)) == .applied)
        engine.settleOutcomes()
        #expect(engine.modelQuality?.champion.frauds == 1, "only the transaction the new models scored")
        #expect(engine.reservoir.fraudCount == 2, "what the outcomes say about the world is kept")
    }
}
