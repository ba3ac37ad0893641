import ScoringModel
import Testing

@Suite("Online learning")
struct OnlineLearnerTests {
    typealias F = LearningFixtures

    /// Ten days of online traffic on fresh cards; every fifth purchase is "buy now, pay later"
    /// and turns out to be fraud (reported a day later). The rest mature as legitimate after two
    /// days. The base model gives "buy now, pay later" no weight at all.
    static func replay(on engine: RiskEngine) {
        let start = TransactionScript.start
        var frauds: [(id: String, card: String, time: Int64)] = []
        for day in 0..<10 {
            for index in 0..<40 {
                let time = start + Int64(day) * F.day + Int64(index) * 20 * 60_000
                let id = "d\(day)-\(index)"
                let bnpl = index % 5 == 0
                _ = engine.score(
                    F.transaction(
                        id, card: "card-\(day)-\(index)", merchant: "m-\(index % 7)", at: time,
                        method: bnpl ? "bnpl" : (index % 2 == 0 ? "credit_card" : "debit_card")))
                if bnpl { frauds.append((id, "card-\(day)-\(index)", time)) }
            }
            let now = start + Int64(day) * F.day + 39 * 20 * 60_000
            for fraud in frauds where fraud.time + F.day <= now {
                engine.record(F.label(fraud.id, card: fraud.card, eventTimeMs: fraud.time, reportedTimeMs: fraud.time + F.day))
            }
            frauds.removeAll { $0.time + F.day <= now }
            engine.settleOutcomes()
        }
    }

    static func probe(_ engine: RiskEngine, method: String) -> RiskAssessment {
        engine.score(F.transaction("probe-\(method)", card: "probe-\(method)", merchant: "probe", at: TransactionScript.start + 10 * F.day, method: method))
    }

    /// A fifth of this stream's labels are fraud: the positives need little extra weight. The
    /// stream is small, so the challenger may take over on fewer outcomes than the default.
    static let learning = LearningConfiguration(
        learningRate: 0.1, positiveWeight: 3, publishEvery: 10,
        challenger: ChallengerPolicy(minimumFrauds: 20, minimumLegitimate: 50))

    @Test("a fraud pattern the model never saw is picked up online; a frozen model does not move")
    func newPattern() throws {
        let base = try F.logisticModel()
        let online = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: Self.learning), model: base)
        var frozenSettings = Self.learning
        frozenSettings.enabled = false
        let frozen = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: frozenSettings), model: base)
        Self.replay(on: online)
        Self.replay(on: frozen)

        #expect(frozen.model == base)
        #expect(!frozen.challengerServes)
        #expect(frozen.learner.updateCount == 0)
        #expect(online.learner.updateCount > 100)
        #expect(online.models.champion == base, "the champion itself never changes")
        #expect(online.challengerServes)
        #expect(online.model.version.hasPrefix("logistic-test-1+online."), "\(online.model.version)")
        #expect(online.model.version != "logistic-test-1+online.1")
        let quality = try #require(online.modelQuality)
        #expect(quality.challenger.averagePrecision > quality.champion.averagePrecision + 0.02, "\(quality)")

        let frozenBNPL = Self.probe(frozen, method: "bnpl")
        let onlineBNPL = Self.probe(online, method: "bnpl")
        let onlineCredit = Self.probe(online, method: "credit_card")
        #expect(frozenBNPL.level == .low)
        #expect(onlineBNPL.level >= .medium, "\(onlineBNPL.score)")
        #expect(onlineBNPL.score > 10 * frozenBNPL.score, "\(onlineBNPL.score) vs \(frozenBNPL.score)")
        #expect(onlineCredit.level == .low, "\(onlineCredit.score)")
        #expect(onlineBNPL[.pattern].reason.contains("method_buy_now_pay_later"), "\(onlineBNPL[.pattern].reason)")
        #expect(abs(onlineBNPL.contributionTotal - onlineBNPL.score) < 1e-5)
        let learned = try #require(online.model.logistic)
        #expect(learned[feature: FeatureVector.method(.buyNowPayLater)] > 0.5)
    }

    @Test("with no model file, a challenger learns beside the hand-set champion and takes over once it ranks better")
    func challengerBesideTheHandSetModel() throws {
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: Self.learning))
        #expect(engine.models.challenger.logistic?[feature: FeatureVector.handsetLogit] == 1, "starts as the champion")
        Self.replay(on: engine)
        #expect(engine.models.champion == .builtIn)
        #expect(engine.challengerServes)
        #expect(engine.challengerSwitches == 1)
        #expect(engine.model.version.hasPrefix("handset-2026.11+online."), "\(engine.model.version)")
        let snapshot = try #require(engine.learnedSnapshot())
        #expect(snapshot.logistic != nil)
        let bnpl = Self.probe(engine, method: "bnpl")
        #expect(bnpl.level >= .medium, "\(bnpl.score)")
        #expect(abs(bnpl.contributionTotal - bnpl.score) < 1e-5, "still explained per factor")
        #expect(bnpl[.pattern].reason.contains("method_buy_now_pay_later"), "\(bnpl[.pattern].reason)")
    }

    @Test("frozen, the challenger never moves from the champion and never answers")
    func frozenChallengerNeverServes() {
        var settings = Self.learning
        settings.enabled = false
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: settings))
        Self.replay(on: engine)
        #expect(engine.model == .builtIn)
        #expect(!engine.challengerServes)
        #expect(engine.challengerSwitches == 0)
    }

    @Test("a snapshot is a model file that reloads to the same model and keeps counting versions")
    func snapshot() throws {
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: Self.learning), model: try F.logisticModel())
        Self.replay(on: engine)
        let snapshot = try #require(engine.learnedSnapshot())
        #expect(engine.models.challenger == snapshot)
        let json = try snapshot.encodedJSON()
        let reloaded = try RiskModel.decode(json: Array(json))
        #expect(reloaded == snapshot)
        #expect(engine.learnedSnapshot() == snapshot, "nothing learned since: same version")

        let resumed = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: Self.learning), model: reloaded)
        #expect(resumed.model == reloaded)
        let number = Int(snapshot.version.split(separator: ".").last!)!
        Self.replay(on: resumed)
        let challenger = resumed.models.challenger
        #expect(challenger.version.hasPrefix("logistic-test-1+online."))
        #expect(Int(challenger.version.split(separator: ".").last!)! > number)
        #expect(!challenger.version.contains("+online.\(number)+"))
    }

    @Test("installing a model restarts learning from it")
    func rebase() throws {
        let engine = RiskEngine(configuration: F.configuration(maturityDays: 2, learning: Self.learning), model: try F.logisticModel())
        Self.replay(on: engine)
        #expect(engine.learner.updateCount > 0)
        let fresh = try F.logisticModel(version: "logistic-test-2")
        engine.install(fresh)
        #expect(engine.model == fresh)
        #expect(engine.models.challenger == fresh, "the challenger restarts from the new champion")
        #expect(!engine.challengerServes)
        #expect(engine.learner.updateCount == 0)
        engine.learner.isFrozen = true
        Self.replay(on: engine)
        #expect(engine.model == fresh)
    }
}
