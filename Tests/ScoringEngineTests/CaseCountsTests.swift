import ScoringEngine
import ScoringModel
import StreamifyWire
import Testing

@Suite("Counting by enum case")
struct CaseCountsTests {
    @Test("every enum the engine counts fits, and each case has its own slot")
    func everyCaseHasItsOwnSlot() {
        var errors = CaseCounts<ErrorCode>()
        for (index, code) in ErrorCode.allCases.enumerated() { errors[code] += index + 1 }
        for (index, code) in ErrorCode.allCases.enumerated() { #expect(errors[code] == index + 1) }
        #expect(errors.total == (1...ErrorCode.allCases.count).reduce(0, +))

        var levels = CaseCounts<RiskLevel>()
        for level in RiskLevel.allCases { levels[level] += 1 }
        #expect(levels.total == RiskLevel.allCases.count)

        var labels = CaseCounts<LabelDisposition>()
        labels[.duplicate] += 3
        labels.reset()
        #expect(labels.total == 0)
    }

    @Test("latency buckets have one bucket per bound and an overflow bucket")
    func latencyBuckets() {
        var buckets = LatencyBuckets()
        buckets.record(microseconds: 0)
        buckets.record(microseconds: 3)
        buckets.record(microseconds: 1_000_000)
        #expect(buckets[0] == 1)
        #expect(buckets[2] == 1)
        #expect(buckets[LatencyBuckets.bucketCount - 1] == 1)
        #expect(buckets.total == 3)
        #expect(buckets.sumMicroseconds == 1_000_003)
    }

    @Test("counters handed to the metrics are reset")
    func collectResets() {
        let metrics = ScoringMetrics()
        var counters = ScoringCounters()
        counters.transactions = 2
        counters.levels[.high] += 2
        counters.latency.record(microseconds: 7)
        metrics.collect(&counters)
        #expect(counters.isEmpty)
        #expect(counters.levels.total == 0)
        #expect(metrics.latencySnapshot.total == 1)
    }
}
