import ScoringModel
import Testing

@Suite("Outcome labels")
struct OutcomeLabelTests {
    typealias F = LearningFixtures
    static let t0 = TransactionScript.start

    @Test("a label is not applied before the event-time clock reaches its reported time")
    func labelDelay() throws {
        let engine = RiskEngine(configuration: F.configuration(delayDays: 0), model: try F.logisticModel())
        _ = engine.score(F.transaction("t1", card: "A", merchant: "M", device: "D", ip: "1.2.3.4", at: Self.t0))
        let label = F.label("t1", card: "A", merchant: "M", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + 3 * F.day)
        #expect(engine.record(label) == .deferred)
        #expect(engine.pendingLabelCount == 1)

        // A day later the fraud is not known yet: nothing about it shows.
        let before = engine.score(F.transaction("t2", card: "A", merchant: "M", device: "D", at: Self.t0 + F.day))
        #expect(before[.pattern].reason.contains("confirmed fraud") == false)
        #expect(engine.cards.snapshot(EntityKey("A"))?.confirmedFraudAt == 0)
        #expect(engine.learner.updateCount == 0)
        #expect(engine.outcomes?.entry(EntityKey("t1"))?.labelled == false)

        // Once the clock passes the reported time, housekeeping applies it.
        _ = engine.score(F.transaction("t3", card: "Z", at: Self.t0 + 3 * F.day + 1_000))
        engine.settleOutcomes()
        #expect(engine.pendingLabelCount == 0)
        let reported = EventTime.seconds(fromUnixMs: Self.t0 + 3 * F.day)
        #expect(engine.cards.snapshot(EntityKey("A"))?.confirmedFraudAt == reported)
        #expect(engine.devices.snapshot(EntityKey("D"))?.confirmedFraudAt == reported)
        #expect(engine.devices.snapshot(.ipAddress(EntityKey("1.2.3.4").short))?.confirmedFraudAt == reported)
        #expect(engine.learner.updateCount == 1)
        let after = engine.score(F.transaction("t4", card: "A", merchant: "M", at: Self.t0 + 3 * F.day + 2_000))
        #expect(after[.pattern].reason.contains("card has confirmed fraud reported"))
    }

    @Test("the same transaction labelled twice is acknowledged once and changes nothing the second time")
    func duplicates() throws {
        let engine = RiskEngine(configuration: F.configuration(), model: try F.logisticModel())
        _ = engine.score(F.transaction("t1", card: "A", merchant: "M", at: Self.t0))
        _ = engine.score(F.transaction("t2", card: "B", merchant: "M", at: Self.t0 + F.day))
        let fraud = F.label("t1", card: "A", merchant: "M", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + F.day)
        #expect(engine.record(fraud) == .applied)
        let merchant = try #require(engine.merchants.snapshot(EntityKey("M")))
        let version = engine.model.version
        #expect(engine.record(fraud) == .duplicate)
        var flipped = fraud
        flipped.outcome = .legitimate
        #expect(engine.record(flipped) == .duplicate)
        #expect(engine.learner.updateCount == 1)
        #expect(engine.merchants.snapshot(EntityKey("M"))?.fraudReports == merchant.fraudReports)
        #expect(engine.merchants.snapshot(EntityKey("M"))?.fraudReports == 1)
        #expect(engine.model.version == version)
    }

    @Test("a label naming another card than the transaction logged under its id (an id reused) blames only its own card")
    func reusedTransactionID() throws {
        let engine = RiskEngine(configuration: F.configuration(delayDays: 0), model: try F.logisticModel())
        _ = engine.score(F.transaction("t1", card: "A", merchant: "M", device: "DA", ip: "1.2.3.4", at: Self.t0))
        _ = engine.score(F.transaction("t1", card: "B", merchant: "M", device: "DB", at: Self.t0 + 1_000))
        let label = F.label("t1", card: "B", merchant: "M", eventTimeMs: Self.t0 + 1_000, reportedTimeMs: Self.t0 + 1_000)
        #expect(engine.record(label) == .applied)
        #expect(engine.cards.snapshot(EntityKey("B"))?.confirmedFraudAt != 0)
        #expect(engine.cards.snapshot(EntityKey("A"))?.confirmedFraudAt == 0)
        #expect(engine.devices.snapshot(EntityKey("DA"))?.confirmedFraudAt == 0, "card A's device is not blamed")
        #expect(engine.devices.snapshot(.ipAddress(EntityKey("1.2.3.4").short))?.confirmedFraudAt == 0)
        #expect(engine.learner.updateCount == 0, "card A's features are not learned as B's fraud")
        #expect(engine.outcomes?.entry(EntityKey("t1"))?.labelled == false, "A's transaction is still open to its own label")
        let own = F.label("t1", card: "A", merchant: "M", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + 1_000)
        #expect(engine.record(own) == .applied)
        #expect(engine.devices.snapshot(EntityKey("DA"))?.confirmedFraudAt != 0)
        #expect(engine.learner.updateCount == 1)
    }

    @Test("the first label to arrive wins while it is held: a later one is a duplicate, whatever its reported time", arguments: [true, false])
    func firstHeldLabelWins(outcomeLog: Bool) throws {
        var configuration = F.configuration(delayDays: 0)
        // Without an outcome log, duplicates are known from the label ledger instead.
        if !outcomeLog { configuration.maximumLoggedTransactions = 0 }
        let engine = RiskEngine(configuration: configuration, model: try F.logisticModel())
        #expect((engine.outcomes != nil) == outcomeLog)
        _ = engine.score(F.transaction("t1", card: "A", merchant: "M", at: Self.t0))
        // Legitimate first, reported 20 s after the clock; then fraud, reported earlier (10 s).
        var legitimate = F.label("t1", card: "A", merchant: "M", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + 20_000)
        legitimate.outcome = .legitimate
        let fraud = F.label("t1", card: "A", merchant: "M", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + 10_000)
        #expect(engine.record(legitimate) == .deferred)
        #expect(engine.record(fraud) == .duplicate)
        #expect(engine.pendingLabelCount == 1)
        // Reported at once too: still the held one's.
        var now = fraud
        now.reportedTimeMs = Self.t0
        #expect(engine.record(now) == .duplicate)

        _ = engine.score(F.transaction("t2", card: "Z", at: Self.t0 + 60_000))
        engine.settleOutcomes()
        #expect(engine.pendingLabelCount == 0)
        #expect(engine.cards.snapshot(EntityKey("A"))?.confirmedFraudAt == 0, "the first label, legitimate, was applied")
        var late = fraud
        late.reportedTimeMs = Self.t0 + 120_000
        #expect(engine.record(late) == .duplicate, "labelled before: not held to be dropped later")
    }

    @Test("a label for a transaction never logged updates card and merchant but not the learner")
    func unknownTransaction() throws {
        let engine = RiskEngine(configuration: F.configuration(), model: try F.logisticModel())
        _ = engine.score(F.transaction("t1", card: "A", at: Self.t0 + F.day))
        let ghost = F.label("ghost", card: "G", merchant: "M", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + F.day)
        #expect(engine.record(ghost) == .applied)
        #expect(engine.cards.snapshot(EntityKey("G"))?.confirmedFraudAt != 0)
        #expect(engine.merchants.snapshot(EntityKey("M"))?.fraudReports == 1)
        #expect(engine.learner.updateCount == 0)
        #expect(engine.record(ghost) == .duplicate)
    }

    @Test("malformed labels are refused and change nothing")
    func malformed() throws {
        let engine = RiskEngine(configuration: F.configuration(), model: try F.logisticModel())
        _ = engine.score(F.transaction("t1", card: "A", at: Self.t0 + F.day))
        let early = F.label("t1", card: "A", eventTimeMs: Self.t0 + F.day, reportedTimeMs: Self.t0)
        #expect(engine.record(early) == .refused)
        let ancient = F.label("t1", card: "A", eventTimeMs: 1_000, reportedTimeMs: Self.t0)
        #expect(engine.record(ancient) == .refused)
        #expect(engine.cards.snapshot(EntityKey("A"))?.confirmedFraudAt == 0)
        #expect(engine.outcomes?.entry(EntityKey("t1"))?.labelled == false)
        #expect(engine.learner.updateCount == 0)
    }

    @Test("an unlabelled transaction counts as legitimate once it matures, a labelled one does not")
    func maturity() throws {
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2), model: try F.logisticModel())
        _ = engine.score(F.transaction("quiet", card: "A", at: Self.t0))
        _ = engine.score(F.transaction("fraud", card: "B", at: Self.t0))
        _ = engine.score(F.transaction("later", card: "C", at: Self.t0 + F.day))
        #expect(engine.record(F.label("fraud", card: "B", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + F.day)) == .applied)
        #expect(engine.learner.updateCount == 1)

        engine.settleOutcomes()
        #expect(engine.learner.updateCount == 1, "nothing is mature after one day")
        let roundsBefore = engine.housekeepingRounds
        // Scoring past an event-time hour runs housekeeping itself: no timer, no explicit call.
        _ = engine.score(F.transaction("much-later", card: "C", at: Self.t0 + 2 * F.day + F.hour))
        #expect(engine.housekeepingRounds == roundsBefore + 1)
        #expect(engine.outcomes?.count == 2, "the matured two left the log as the clock crossed the hour")
        #expect(engine.learner.updateCount == 2, "only the unlabelled transaction is learned from as legitimate")
        #expect(engine.outcomes?.entry(EntityKey("quiet")) == nil)
        #expect(engine.outcomes?.entry(EntityKey("later")) != nil)
    }

    @Test("devices and IPs tied to fraud show in the device factor's reason under every model")
    func fraudDeviceAndIP() throws {
        for learned in [true, false] {
            let engine = RiskEngine(configuration: F.configuration(), model: learned ? try F.logisticModel() : .builtIn)
            _ = engine.score(F.transaction("t1", card: "A", device: "D", ip: "10.9.9.9", at: Self.t0))
            _ = engine.score(F.transaction("t2", card: "B", device: "D2", ip: "10.9.9.9", at: Self.t0 + F.hour))
            #expect(engine.record(F.label("t1", card: "A", eventTimeMs: Self.t0, reportedTimeMs: Self.t0 + F.hour)) == .applied)
            let viaDevice = engine.score(F.transaction("t3", card: "C", device: "D", at: Self.t0 + 2 * F.hour))
            let viaIP = engine.score(F.transaction("t4", card: "E", ip: "10.9.9.9", at: Self.t0 + 3 * F.hour))
            let deviceFeatures = try #require(engine.outcomes?.entry(EntityKey("t3"))).features
            let ipFeatures = try #require(engine.outcomes?.entry(EntityKey("t4"))).features
            #expect(deviceFeatures[.deviceTiedToFraud] == 1)
            #expect(ipFeatures[.ipTiedToFraud] == 1)
            #expect(ipFeatures[.cardsSharingIP] == 2)
            #expect(viaDevice[.device].reason.hasPrefix("device tied to confirmed fraud 60 min ago"), "\(viaDevice[.device].reason)")
            #expect(viaIP[.device].reason == "IP address tied to confirmed fraud 2.0 h ago", "\(viaIP[.device].reason)")
            #expect(viaIP[.device].score >= 0.8)
        }
    }

    @Test("the merchant's fraud rate among transactions old enough to have an outcome shows in the pattern reason")
    func merchantRate() throws {
        let engine = RiskEngine(configuration: F.configuration(delayDays: 1), model: try F.logisticModel())
        for index in 0..<40 {
            _ = engine.score(F.transaction("m\(index)", card: "c\(index)", merchant: "M", at: Self.t0 + Int64(index) * 60_000))
        }
        for index in 0..<8 {
            engine.record(
                F.label("m\(index)", card: "c\(index)", merchant: "M", eventTimeMs: Self.t0 + Int64(index) * 60_000,
                        reportedTimeMs: Self.t0 + 39 * 60_000))
        }
        // Same day: those transactions' outcomes could not be known yet (1-day delay).
        let sameDay = engine.score(F.transaction("s", card: "x", merchant: "M", at: Self.t0 + F.hour))
        #expect(!sameDay[.pattern].reason.contains("merchant fraud rate"))
        let nextDay = engine.score(F.transaction("n", card: "y", merchant: "M", at: Self.t0 + F.day + F.hour))
        #expect(nextDay[.pattern].reason.contains("merchant fraud rate"), "\(nextDay[.pattern].reason)")
        #expect(nextDay[.pattern].reason.contains("(8 of 41 transactions with known outcome)"), "\(nextDay[.pattern].reason)")
        let features = try #require(engine.outcomes?.entry(EntityKey("n"))).features
        #expect(abs(features[.merchantFraudPercent7d] - Float(100 * (8 + 0.1) / (41 + 50))) < 1e-3)
    }

    @Test("a card with confirmed fraud stays marked while in use and drops the mark after going quiet")
    func quietCard() throws {
        var configuration = F.configuration()
        configuration.confirmedFraudQuietSeconds = 30 * 86_400
        configuration.confirmedFraudHalfLifeSeconds = 0
        let engine = RiskEngine(configuration: configuration)
        for card in ["busy", "quiet"] {
            _ = engine.score(F.transaction("\(card)-0", card: card, at: Self.t0))
            engine.record(F.label("\(card)-0", card: card, eventTimeMs: Self.t0, reportedTimeMs: Self.t0))
        }
        for week in 1...5 {
            _ = engine.score(F.transaction("busy-\(week)", card: "busy", at: Self.t0 + Int64(week) * 7 * F.day))
        }
        let busy = engine.score(F.transaction("busy-6", card: "busy", at: Self.t0 + 40 * F.day))
        let quiet = engine.score(F.transaction("quiet-1", card: "quiet", at: Self.t0 + 40 * F.day))
        #expect(busy[.pattern].reason.hasPrefix("card has confirmed fraud reported 40.0 days ago"), "\(busy[.pattern].reason)")
        #expect(busy.level >= .high)
        #expect(!quiet[.pattern].reason.contains("confirmed fraud"), "\(quiet[.pattern].reason)")
        #expect(quiet.level == .low)
    }

    @Test("a card's confirmed-fraud signal holds for one half-life, then halves every half-life")
    func fadingMark() throws {
        var configuration = F.configuration()
        configuration.confirmedFraudHalfLifeSeconds = 7 * 86_400
        let engine = RiskEngine(configuration: configuration)
        _ = engine.score(F.transaction("m-0", card: "m", at: Self.t0))
        engine.record(F.label("m-0", card: "m", eventTimeMs: Self.t0, reportedTimeMs: Self.t0))
        var marks: [Float] = []
        for (index, days) in [1, 7, 14, 21].enumerated() {
            _ = engine.score(F.transaction("m-\(index + 1)", card: "m", at: Self.t0 + Int64(days) * F.day))
            marks.append(try #require(engine.outcomes?.entry(EntityKey("m-\(index + 1)"))).features[.cardConfirmedFraud])
        }
        #expect(marks[0] == 1 && marks[1] == 1, "\(marks)")
        #expect(abs(marks[2] - 0.5) < 1e-4 && abs(marks[3] - 0.25) < 1e-4, "\(marks)")
        let late = engine.score(F.transaction("m-late", card: "m", at: Self.t0 + 21 * F.day + F.hour))
        #expect(late[.pattern].reason.hasPrefix("card has confirmed fraud reported 21.0 days ago"), "\(late[.pattern].reason)")
        #expect(late.level < .high, "a fading mark no longer makes every use high risk")
    }
}
