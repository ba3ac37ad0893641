import ScoringModel
import ScoringTestSupport
import Testing

@Suite("Merchant fraud rates")
struct MerchantOutcomesTests {
    static let day: UInt32 = 86_400
    static let start: UInt32 = 900 * 86_400

    @Test("frauds count on the transaction's day, only once that day is past the delay, over 7 and 30 days")
    func windows() {
        var outcomes = MerchantOutcomes()
        // Days 0...19: 10 transactions a day; frauds on day 2 (3) and day 15 (2).
        for day in 0..<UInt32(20) {
            for _ in 0..<10 { outcomes.addTransaction(at: Self.start + day * Self.day + 3_600) }
        }
        outcomes.addFraud(transactionAt: Self.start + 2 * Self.day)
        outcomes.addFraud(transactionAt: Self.start + 2 * Self.day + 100)
        outcomes.addFraud(transactionAt: Self.start + 2 * Self.day + 200)
        outcomes.addFraud(transactionAt: Self.start + 15 * Self.day)
        outcomes.addFraud(transactionAt: Self.start + 15 * Self.day)

        let now = Self.start + 19 * Self.day + 7_200
        // 7-day window ending 7 days back: days 6...12 — neither fraud day.
        #expect(outcomes.totals(at: now, delayDays: 7, windowDays: 7) == (0, 70))
        // 30-day window ending 7 days back: days 0...12 (nothing before day 0).
        #expect(outcomes.totals(at: now, delayDays: 7, windowDays: 30) == (3, 130))
        // No delay: days 13...19 and 0...19.
        #expect(outcomes.totals(at: now, delayDays: 0, windowDays: 7) == (2, 70))
        #expect(outcomes.totals(at: now, delayDays: 0, windowDays: 30) == (5, 200))

        let smoothed = outcomes.rate(at: now, delayDays: 0, windowDays: 30)
        #expect(abs(smoothed.rate - (5 + 0.1) / (200 + 50)) < 1e-12)
        #expect(abs(outcomes.rate(at: now, delayDays: 0, windowDays: 7).rate - (2 + 0.1) / (70 + 50)) < 1e-12)
        // A merchant with no history sits at the prior.
        #expect(MerchantOutcomes().rate(at: now, delayDays: 7, windowDays: 7).rate == MerchantOutcomes.priorRate)
    }

    @Test("days fall out of the ring as time moves on; frauds for days out of reach are dropped")
    func ring() {
        var outcomes = MerchantOutcomes()
        outcomes.addTransaction(at: Self.start)
        outcomes.addFraud(transactionAt: Self.start)
        let later = Self.start + UInt32(MerchantOutcomes.dayCount) * Self.day
        outcomes.addTransaction(at: later)
        #expect(outcomes.totals(at: later, delayDays: 0, windowDays: 30) == (0, 1))
        let tooOld = outcomes.addFraud(transactionAt: Self.start)
        #expect(!tooOld)
        let recent = outcomes.addFraud(transactionAt: later)
        #expect(recent)
        #expect(outcomes.totals(at: later, delayDays: 0, windowDays: 7) == (1, 1))
    }

    @Test("the one-pass week and month totals match the windowed totals")
    func onePass() {
        var random = XorShift(seed: 0x9E37_79B9_7F4A_7C15)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var outcomes = MerchantOutcomes()
        var now = Self.start
        for _ in 0..<2_000 {
            now += UInt32(next(3 * 3_600))
            // The cache must follow every change; probing at the current time primes it.
            let primed = outcomes.cachedWeekAndMonth(at: now, delayDays: 7)
            #expect(primed.week == outcomes.totals(at: now, delayDays: 7, windowDays: 7))
            outcomes.addTransaction(at: now)
            if next(10) == 0 { outcomes.addFraud(transactionAt: now - UInt32(next(20)) * Self.day) }
            if next(50) == 0 {
                for delay in [0, 1, 7, 9] {
                    for probe in [now, now + 5 * Self.day, now + 45 * Self.day] {
                        let both = outcomes.weekAndMonth(at: probe, delayDays: delay)
                        let cached = outcomes.cachedWeekAndMonth(at: probe, delayDays: delay)
                        let week = outcomes.totals(at: probe, delayDays: delay, windowDays: 7)
                        let month = outcomes.totals(at: probe, delayDays: delay, windowDays: 30)
                        #expect(both.week == week && both.month == month, "delay \(delay) at \(probe - Self.start)")
                        #expect(cached.week == week && cached.month == month, "cached, delay \(delay)")
                    }
                }
            }
        }
    }
}
