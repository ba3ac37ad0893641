import ScoringModel
import Testing

@Suite("Feature vector")
struct FeatureVectorTests {
    typealias F = LearningFixtures

    @Test("names are unique, fit the vector, and resolve back to their index")
    func names() {
        #expect(FeatureVector.count == FeatureVector.names.count)
        #expect(FeatureVector.count <= FeatureVector.capacity)
        let strings = FeatureVector.names.map { "\($0)" }
        #expect(Set(strings).count == strings.count)
        for (index, name) in strings.enumerated() {
            #expect(FeatureVector.index(named: name) == index)
        }
        #expect(FeatureVector.index(named: "method_buy_now_pay_later") == FeatureVector.method(.buyNowPayLater))
        #expect(FeatureVector.index(named: "category_gift_cards") == FeatureVector.category(.giftCards))
        #expect(FeatureVector.index(named: "channel_atm") == FeatureVector.channel(.atm))
        #expect(FeatureVector.index(named: "no_such_feature") == nil)
    }

    @Test("features are grouped under the factor that explains them")
    func groups() {
        #expect(FeatureVector.group(of: FeatureVector.amountZ) == .amount)
        #expect(FeatureVector.group(of: FeatureVector.count1mLog) == .velocity)
        #expect(FeatureVector.group(of: FeatureVector.countryChange) == .geographic)
        #expect(FeatureVector.group(of: FeatureVector.ipTiedToFraud) == .device)
        #expect(FeatureVector.group(of: FeatureVector.merchantFraudPercent30d) == .pattern)
        #expect(FeatureVector.group(of: FeatureVector.method(.buyNowPayLater)) == .pattern)
        for factor in RiskFactor.allCases {
            #expect(FeatureVector.group(of: factor.rawValue) == factor)
        }
        // Every feature belongs to exactly one factor (its score, or one of its raw ranges), but
        // the hand-set verdict, which speaks for all five.
        let factorCount = RiskFactor.allCases.count
        for index in 0..<FeatureVector.count {
            let owners = (0..<factorCount).filter { $0 == index || FeatureVector.rawRanges[$0].contains(index) }
            #expect(owners.count == (index == FeatureVector.handsetLogit ? 0 : 1), "feature \(FeatureVector.names[index])")
        }
        #expect(FeatureVector.rawRanges[factorCount - 1].upperBound == FeatureVector.handsetLogit)
        #expect(FeatureVector.handsetLogit == FeatureVector.count - 1)
    }

    @Test("a scored transaction logs its factor scores, raw features and one-hots")
    func filled() throws {
        let engine = RiskEngine(configuration: F.configuration())
        for index in 0..<5 {
            _ = engine.score(F.transaction("warm-\(index)", card: "c", device: "d", at: TransactionScript.start + Int64(index) * 10_000))
        }
        let result = engine.score(
            F.transaction(
                "t", card: "c", device: "d", amountMinor: 99, at: TransactionScript.start + 50_000, category: "gift cards",
                method: "bnpl", channel: .online))
        let features = try #require(engine.outcomes?.entry(EntityKey("t"))).features
        for factor in RiskFactor.allCases {
            #expect(features[factor.rawValue] == result[factor].score)
        }
        #expect(features[FeatureVector.category(.giftCards)] == 1)
        #expect(features[FeatureVector.category(.grocery)] == 0)
        #expect(features[FeatureVector.method(.buyNowPayLater)] == 1)
        #expect(features[FeatureVector.method(.creditCard)] == 0)
        #expect(features[FeatureVector.channel(.online)] == 1)
        #expect(features[FeatureVector.microAmount] == 1)
        #expect(abs(features[FeatureVector.count1mLog] - 1.7917595) < 1e-5, "ln(6 transactions in a minute)")
        #expect(features[FeatureVector.amountZ] < 0)
        #expect(features[FeatureVector.coldStart] == 0)
        #expect(features.isFinite)
    }

    @Test("a transaction without an id is not logged")
    func unlogged() {
        let engine = RiskEngine(configuration: F.configuration())
        _ = engine.score(TransactionScript.transaction(at: TransactionScript.start))
        #expect(engine.outcomes?.count == 0)
    }
}
