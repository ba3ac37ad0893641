import ScoringModel
import Testing

@Suite("Risk factors on crafted sequences")
struct RiskFactorTests {
    typealias Script = TransactionScript

    @Test("a new card with an ordinary purchase is not flagged for being new")
    func coldStart() {
        let engine = RiskEngine()
        let result = engine.score(
            Script.transaction(
                device: "phone-1", ip: "10.0.0.1", userAgent: "ua", amountMinor: 4_500, at: Script.start,
                location: Script.newYork, country: "US"))
        #expect(result.level == .low)
        #expect(result.score < 0.1)
        for factor in RiskFactor.allCases {
            #expect(result[factor].score < 0.2, "\(factor.name): \(result[factor].reason)")
        }
        #expect(result[.amount].reason.contains("0 earlier transactions"))
        #expect(result[.device].reason == "first device seen on this card")
        #expect(result[.geographic].reason == "first located use of this card")
    }

    @Test("card-present use in London 12 minutes after New York is impossible travel")
    func impossibleTravel() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine)
        let result = engine.score(
            Script.transaction(at: last + 12 * 60_000, location: Script.london, country: "GB"))
        #expect(result[.geographic].score >= 0.95)
        let reason = result[.geographic].reason
        #expect(reason.contains("5,570 km from last use 12 min ago"), "\(reason)")
        #expect(reason.contains("impossible travel"), "\(reason)")
        #expect(result.level >= .high)
    }

    @Test("a drive to Boston three hours later is plausible")
    func plausibleTravel() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine)
        let result = engine.score(Script.transaction(at: last + 3 * 3_600_000, location: Script.boston, country: "US"))
        #expect(result[.geographic].score == 0)
        #expect(result[.geographic].reason.hasPrefix("306 km from last use 3.0 h ago"), "\(result[.geographic].reason)")
        #expect(result.level == .low)
    }

    @Test("six online micro-charges in a minute look like card testing")
    func cardTestingBurst() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine)
        var result: RiskAssessment?
        for index in 0..<6 {
            result = engine.score(
                Script.transaction(
                    merchant: "merchant-web-\(index)", amountMinor: 99, at: last + 3_600_000 + Int64(index) * 8_000,
                    category: "5815", channel: .online))
        }
        let final = try! #require(result)
        #expect(final[.velocity].score >= 0.99)
        #expect(final[.velocity].reason == "6 transactions in 60 s; card's usual rate 2.7/day", "\(final[.velocity].reason)")
        #expect(final[.pattern].score >= 0.6)
        #expect(final[.pattern].reason.contains("card-testing"))
        #expect(final.level >= .high)
    }

    @Test("a new device with a new IP and user agent on an established card")
    func newDevice() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine, device: "phone-1", ip: "10.0.0.1", userAgent: "iOS Safari")
        let known = engine.score(
            Script.transaction(device: "phone-1", ip: "10.0.0.1", userAgent: "iOS Safari", at: last + 3_600_000))
        #expect(known[.device].score == 0)
        #expect(known[.device].reason.hasPrefix("known device, used 20 times"), "\(known[.device].reason)")

        let result = engine.score(
            Script.transaction(device: "laptop-9", ip: "203.0.113.9", userAgent: "Linux Firefox", at: last + 7_200_000))
        #expect(result[.device].score >= 0.6)
        #expect(result[.device].reason == "new device; card has 1 established device; IP address and user agent both changed")
        #expect(result.level >= .medium)
    }

    @Test("a device used by many cards in a day")
    func sharedDevice() {
        let engine = RiskEngine()
        var result: RiskAssessment?
        for card in 0..<7 {
            result = engine.score(
                Script.transaction(card: "card-\(card)", device: "emulator-1", at: Script.start + Int64(card) * 600_000))
        }
        let final = try! #require(result)
        #expect(final[.device].score >= 0.99)
        #expect(final[.device].reason == "device used by 6+ other cards in 24 h")
    }

    @Test("ten times the card's usual amount stands out")
    func amountSpike() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine)
        let usual = engine.score(Script.transaction(amountMinor: 4_800, at: last + 3_600_000))
        #expect(usual[.amount].score == 0)
        #expect(usual[.amount].reason.hasPrefix("48.00 is in line with this card's usual"), "\(usual[.amount].reason)")

        let spike = engine.score(Script.transaction(amountMinor: 45_000, at: last + 7_200_000))
        #expect(spike[.amount].score >= 0.7)
        #expect(spike[.amount].reason.contains("x this card's usual"), "\(spike[.amount].reason)")
        #expect(spike.level >= .medium)
    }

    @Test("risky categories and methods, round amounts")
    func riskyPattern() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine)
        let result = engine.score(
            Script.transaction(amountMinor: 50_000, at: last + 3_600_000, category: "Gift Cards", method: "crypto", channel: .online))
        #expect(result[.pattern].score >= 0.7)
        #expect(result[.pattern].reason == "high-risk payment method: crypto; high-risk category: gift cards")
    }

    @Test("confirmed fraud on the card makes any further use high risk")
    func confirmedFraud() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine)
        engine.record(
            FeedbackFeatures(
                card: EntityKey("card-1"), merchant: EntityKey("merchant-1"), outcome: .fraud, eventTimeMs: last - 86_400_000, reportedTimeMs: last, amountMinor: 4_500))
        let result = engine.score(Script.transaction(at: last + 2 * 86_400_000))
        #expect(result[.pattern].score == 1)
        #expect(result[.pattern].reason == "card has confirmed fraud reported 2.0 days ago")
        #expect(result.level >= .high)
    }

    @Test("contributions add up to the score")
    func contributionsAddUp() {
        let engine = RiskEngine()
        let last = Script.establishHistory(on: engine, device: "phone-1")
        let result = engine.score(
            Script.transaction(
                device: "laptop-2", amountMinor: 90_000, at: last + 10 * 60_000, location: Script.london, country: "GB",
                category: "7995"))
        #expect(result.score > 0.9)
        #expect(abs(result.contributionTotal - result.score) < 1e-4)
        for factor in RiskFactor.allCases {
            #expect(result[factor].weight == RiskModel.builtIn.weights[factor])
        }
    }

    @Test("the same sequence scores the same on every run (event time, not wall clock)")
    func deterministic() {
        func run() -> [Float] {
            let engine = RiskEngine()
            _ = Script.establishHistory(on: engine, days: 3)
            return (0..<20).map { index in
                engine.score(Script.transaction(amountMinor: Int64(1_000 + index * 700), at: Script.start + 5 * 86_400_000 + Int64(index) * 30_000)).score
            }
        }
        #expect(run() == run())
    }
}
