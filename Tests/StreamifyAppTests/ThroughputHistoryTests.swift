@testable import DashboardDoor
import ScoringEngine
import Testing

@Suite("Dashboard throughput history")
struct ThroughputHistoryTests {
    static func totals(transactions: Int) -> ScoringTotals {
        var totals = ScoringTotals()
        totals.transactions = transactions
        return totals
    }

    @Test("a point's rate is over the monotonic interval, whatever the wall clock did")
    func rateIgnoresWallClockSteps() {
        let start = ContinuousClock.now
        var history = ThroughputHistory(capacity: 10, totals: Self.totals(transactions: 0), at: start)
        // The wall clock stepped back 5 s between the two ticks (NTP); a second passed.
        history.advance(to: Self.totals(transactions: 100), atMs: 1_000_000, at: start + .seconds(1))
        history.advance(to: Self.totals(transactions: 300), atMs: 995_000, at: start + .seconds(2))
        #expect(history.points.map(\.transactionsPerSecond) == [100, 200])
        #expect(history.points.map(\.timeMs) == [1_000_000, 995_000], "labels keep the wall clock")
        // Half a second: twice the rate.
        history.advance(to: Self.totals(transactions: 350), atMs: 995_500, at: start + .milliseconds(2_500))
        #expect(history.points.last?.transactionsPerSecond == 100)
        #expect(history.meanThroughput(overLast: 2) == 150)
    }
}
