import StreamifyWire
import SyntheticWorld
import Foundation
import Testing

@testable import LoadGen

@Suite("Report arithmetic on known inputs")
struct ReportArithmeticTests {
    /// A tally of (score, level, truth code) triples.
    static func tally(_ entries: [(Float, Int32, UInt8)]) -> DetectionTally {
        var tally = DetectionTally()
        for (score, level, truth) in entries { tally.record(score: score, levelRawValue: level, truthCode: truth) }
        return tally
    }

    @Test func rocAUCAndAveragePrecisionByHand() throws {
        // Fraud 0.9 and 0.5, legitimate 0.8 and 0.3. Pairs fraud > legit: (0.9,0.8) (0.9,0.3) (0.5,0.3) = 3 of 4.
        // Ranked: 0.9 F (precision 1/1), 0.8 L, 0.5 F (precision 2/3): AP = (1 + 2/3) / 2.
        let tally = Self.tally([(0.9, 4, 1), (0.5, 2, 3), (0.8, 3, 0), (0.3, 1, 0)])
        #expect(abs(try #require(tally.rocAUC) - 0.75) < 1e-12)
        let expectedPrecision: Double = (1 + 2.0 / 3) / 2
        let averagePrecision = try #require(tally.averagePrecision)
        #expect(abs(averagePrecision - expectedPrecision) < 1e-12)
    }

    @Test func tiesCountHalfAndPerfectSeparationIsOne() throws {
        let tied = Self.tally([(0.5, 2, 1), (0.5, 2, 0)])
        #expect(try #require(tied.rocAUC) == 0.5)
        #expect(try #require(tied.averagePrecision) == 0.5)
        let perfect = Self.tally([(0.95, 4, 2), (0.9, 4, 5), (0.2, 1, 0), (0.1, 1, 0), (0.05, 1, 0)])
        #expect(try #require(perfect.rocAUC) == 1)
        #expect(try #require(perfect.averagePrecision) == 1)
        let inverted = Self.tally([(0.1, 1, 2), (0.9, 4, 0)])
        #expect(try #require(inverted.rocAUC) == 0)
        #expect(Self.tally([(0.3, 1, 0)]).rocAUC == nil)
    }

    @Test func mergingTalliesEqualsOneTally() {
        var entries: [(Float, Int32, UInt8)] = []
        for index in 0..<200 {
            let score = Float(index % 97) / 97
            entries.append((score, Int32(index % 5), UInt8(index % 7)))
        }
        var merged = Self.tally(Array(entries.prefix(120)))
        merged.merge(Self.tally(Array(entries.dropFirst(120))))
        #expect(merged == Self.tally(entries))
    }

    @Test func precisionRecallAndAlertsPerLevelAndScenario() throws {
        // 10 transactions: 6 legitimate (levels low, low, low, low, medium, high),
        // 4 fraud: card testing at critical and low, amount spike at high and medium.
        let tally = Self.tally([
            (0.1, 1, 0), (0.1, 1, 0), (0.1, 1, 0), (0.1, 1, 0), (0.4, 2, 0), (0.6, 3, 0),
            (0.9, 4, FraudScenario.cardTesting.code), (0.2, 1, FraudScenario.cardTesting.code),
            (0.7, 3, FraudScenario.amountSpike.code), (0.45, 2, FraudScenario.amountSpike.code),
        ])
        let report = DetectionReport(tally)
        #expect(report.transactions == 10 && report.fraud == 4 && report.legitimate == 6)
        let high = try #require(report.levels.first { $0.level == "high" })
        // At high or above: legit 1, fraud 2 (0.9 critical, 0.7 high).
        #expect(high.alerts == 3 && high.fraudAlerts == 2)
        #expect(abs(try #require(high.precision) - 2.0 / 3) < 1e-12)
        #expect(try #require(high.recall) == 0.5)
        #expect(abs(high.alertsPer1000 - 300) < 1e-9)
        let medium = try #require(report.levels.first { $0.level == "medium" })
        #expect(medium.alerts == 5 && medium.fraudAlerts == 3)
        let low = try #require(report.levels.first { $0.level == "low" })
        #expect(low.alerts == 10 && low.recall == 1)
        let critical = try #require(report.levels.first { $0.level == "critical" })
        #expect(critical.alerts == 1 && critical.precision == 1 && critical.recall == 0.25)

        let cardTesting = try #require(report.scenarios.first { $0.scenario == "card_testing" })
        #expect(cardTesting.transactions == 2)
        #expect(cardTesting.recallAtMedium == 0.5 && cardTesting.recallAtCritical == 0.5)
        #expect(abs(try #require(cardTesting.meanScore) - 0.55) < 1e-6)
        let spike = try #require(report.scenarios.first { $0.scenario == "amount_spike" })
        #expect(spike.recallAtMedium == 1 && spike.recallAtHigh == 0.5 && spike.recallAtCritical == 0)
        let travel = try #require(report.scenarios.first { $0.scenario == "impossible_travel" })
        #expect(travel.transactions == 0 && travel.recallAtHigh == nil)
    }

    @Test func percentilesOfAKnownDistribution() {
        var histogram = LatencyHistogram()
        for value in 1...10_000 { histogram.record(microseconds: UInt64(value)) }
        // HdrHistogram with 3 significant digits: within 0.1%.
        func close(_ measured: UInt64, _ expected: Double) -> Bool { abs(Double(measured) - expected) <= expected * 0.001 + 1 }
        #expect(close(histogram.value(atPercentile: 50), 5_000))
        #expect(close(histogram.value(atPercentile: 90), 9_000))
        #expect(close(histogram.value(atPercentile: 99), 9_900))
        #expect(close(histogram.value(atPercentile: 99.9), 9_990))
        #expect(close(histogram.max, 10_000))
        #expect(histogram.count == 10_000)

        var low = LatencyHistogram()
        var high = LatencyHistogram()
        for value in 1...10_000 {
            if value <= 5_000 { low.record(microseconds: UInt64(value)) } else { high.record(microseconds: UInt64(value)) }
        }
        low.merge(high)
        #expect(low.summary == histogram.summary)
    }

    @Test func percentileDistributionIsInMilliseconds() {
        var histogram = LatencyHistogram()
        for value in 1...1_000 { histogram.record(microseconds: UInt64(value) * 10) }
        let text = histogram.percentileDistribution()
        #expect(text.contains("Percentile"))
        // The largest value, 10,000 µs, appears as 10 ms at percentile 1.0.
        let lastRow = text.split(separator: "\n").last { $0.contains("1.000000000000") }
        #expect(lastRow?.split(separator: " ").first.flatMap { Double($0) }.map { abs($0 - 10) < 0.01 } == true, "\(lastRow ?? "")")
    }

    @Test func latencyIsRecordedInMicrosecondsAndClamped() {
        var histogram = LatencyHistogram()
        histogram.record(nanoseconds: 1_499)  // rounds to 1 µs
        histogram.record(nanoseconds: 2_500_000)  // 2.5 ms
        histogram.record(microseconds: UInt64.max)  // clamped to an hour
        #expect(histogram.value(atPercentile: 0) == 1)
        #expect(abs(Double(histogram.value(atPercentile: 50)) - 2_500) <= 3)
        #expect(histogram.max >= LatencyHistogram.highestTrackableMicroseconds * 999 / 1000)
        #expect(LatencyHistogram().summary.p99 == 0)
    }

    @Test func objectiveViolations() {
        let objective = ServiceLevelObjective(throughput: 10_000, p99Microseconds: 2_000)
        #expect(objective.violations(throughput: 12_000, p99Microseconds: 1_500).isEmpty)
        #expect(objective.violations(throughput: 9_999, p99Microseconds: 1_500).count == 1)
        #expect(objective.violations(throughput: 12_000, p99Microseconds: 2_001).count == 1)
        #expect(objective.violations(throughput: 1, p99Microseconds: 9_999).count == 2)
        #expect(ServiceLevelObjective().violations(throughput: 0, p99Microseconds: .max).isEmpty)
    }

    @Test(arguments: [
        ("500ms", 0.5), ("30s", 30.0), ("5m", 300.0), ("2h", 7_200.0), ("7d", 604_800.0), ("0", 0.0), ("1.5", 1.5),
    ])
    func durations(text: String, seconds: Double) throws {
        #expect(try DurationText.parseSeconds(text) == seconds)
    }

    @Test(arguments: ["", "s", "-1s", "5 parsecs", "ms"])
    func invalidDurations(text: String) {
        #expect(throws: DurationText.InvalidDuration.self) { try DurationText.parseSeconds(text) }
    }

    @Test func defaultPopulationGivesAboutTwoTransactionsPerCardPerDay() {
        // 2,000/s at 3,600× is 48,000 transactions per simulated day.
        #expect(WorldOptions.defaultCardCount(transactionsPerSecond: 2_000, speedup: 3_600) == 24_000)
        #expect(WorldOptions.defaultCardCount(transactionsPerSecond: 1, speedup: 3_600) == 1_000)
        #expect(WorldOptions.defaultCardCount(transactionsPerSecond: 1_000_000, speedup: 60) == 1_000_000)
    }

    @Test func formatting() {
        #expect(ReportFormatting.grouped(0) == "0")
        #expect(ReportFormatting.grouped(999) == "999")
        #expect(ReportFormatting.grouped(1_234_567) == "1,234,567")
        #expect(ReportFormatting.grouped(-1_000) == "-1,000")
        #expect(ReportFormatting.milliseconds(1_234) == "1.234 ms")
    }
}
