import SyntheticWorld
import Testing

@testable import LoadGen

@Suite("Evaluation measures")
struct RankingMetricsTests {
    // scikit-learn's documented example: roc_auc_score 0.75, average_precision_score 0.8333.
    static let scores: [Float] = [0.1, 0.4, 0.35, 0.8]
    static let fraud = [false, false, true, true]

    @Test func rocAUCMatchesTheTextbookExample() throws {
        #expect(try #require(RankingMetrics.rocAUC(scores: Self.scores, fraud: Self.fraud)) == 0.75)
        #expect(RankingMetrics.rocAUC(scores: [0.3, 0.3, 0.3], fraud: [true, false, false]) == 0.5, "ties count half")
        #expect(RankingMetrics.rocAUC(scores: [0.9, 0.1], fraud: [true, false]) == 1)
        #expect(RankingMetrics.rocAUC(scores: [0.9, 0.1], fraud: [true, true]) == nil, "needs both classes")
    }

    @Test func averagePrecisionMatchesTheTextbookExample() throws {
        let ap = try #require(RankingMetrics.averagePrecision(scores: Self.scores, fraud: Self.fraud))
        #expect(abs(ap - 5.0 / 6.0) < 1e-12)
        // A tie group enters at once: both at precision 1/2.
        #expect(RankingMetrics.averagePrecision(scores: [0.5, 0.5], fraud: [true, false]) == 0.5)
        #expect(RankingMetrics.averagePrecision(scores: [0.5], fraud: [false]) == nil)
    }

    @Test func cardPrecisionRanksCardsByTheirHighestScoreEachDay() throws {
        let day: Int64 = 86_400_000
        let start: Int64 = 1_767_225_600_000
        var precision = DailyCardPrecision(k: 2)
        // Day 0: card 1 peaks at 0.9 (fraud), card 2 at 0.8 (legitimate), card 3 at 0.7 (fraud).
        precision.add(cardIndex: 1, eventTimeMs: start + 10, score: 0.2, fraud: false)
        precision.add(cardIndex: 1, eventTimeMs: start + 20, score: 0.9, fraud: true)
        precision.add(cardIndex: 2, eventTimeMs: start + 30, score: 0.8, fraud: false)
        precision.add(cardIndex: 3, eventTimeMs: start + 40, score: 0.7, fraud: true)
        // Day 1: both top cards had fraud that day.
        precision.add(cardIndex: 1, eventTimeMs: start + day + 5, score: 0.1, fraud: false)
        precision.add(cardIndex: 4, eventTimeMs: start + day + 6, score: 0.6, fraud: true)
        precision.add(cardIndex: 5, eventTimeMs: start + day + 7, score: 0.5, fraud: true)
        // Day 2: one card only, fewer than k: left out.
        precision.add(cardIndex: 6, eventTimeMs: start + 2 * day, score: 0.99, fraud: true)
        #expect(precision.dailyPrecision == [0.5, 1.0])
        #expect(precision.meanPrecision == 0.75)
    }

    @Test func thresholdsMeetTheirTargetPrecisionOnTheTrainingScores() {
        // Ten frauds at the top with legitimate ones interleaved further down.
        var scores: [Float] = []
        var fraud: [Bool] = []
        for index in 0..<1_000 {
            scores.append(Float(1_000 - index) / 1_000)
            fraud.append(index < 5 || (index < 40 && index % 4 == 0))
        }
        let calibration = ThresholdCalibration(mediumPrecision: 0.3, highPrecision: 0.6, criticalPrecision: 0.95)
        let (thresholds, levels) = calibration.thresholds(scores: scores, fraud: fraud)
        #expect(thresholds.medium < thresholds.high && thresholds.high < thresholds.critical)
        #expect(levels[0].precision >= 0.3, "\(levels)")
        #expect(levels[1].precision >= 0.6, "\(levels)")
        #expect(levels[2].precision >= 0.95, "\(levels)")
        #expect(levels[2].threshold == 0.996, "the five frauds on top, and no lower")
        #expect(levels[0].recall == 1)
    }

    @Test func scenarioSchedulesParseAndRefuseUnknownNames() throws {
        let schedule = try ScenarioSchedule(parsing: "standard,bnpl_fraud@7d")
        #expect(schedule.entries.count == 7)
        #expect(schedule.active(afterMs: 0) == FraudScenario.standard)
        #expect(schedule.active(afterMs: 7 * 86_400_000).last == .buyNowPayLater)
        #expect(try ScenarioSchedule(parsing: "all").entries.count == FraudScenario.cityWorld.count)
        #expect(throws: ScenarioSchedule.InvalidSchedule.self) { try ScenarioSchedule(parsing: "standard,bnpl") }
        #expect(throws: ScenarioSchedule.InvalidSchedule.self) { try ScenarioSchedule(parsing: "bnpl_fraud@soon") }
    }
}
