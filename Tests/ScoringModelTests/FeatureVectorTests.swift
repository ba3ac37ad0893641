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

    @Test("the named features keep the names and order model files and snapshots were written with")
    func namedLayout() {
        let pinned = [
            "amount_score", "velocity_score", "geographic_score", "device_score", "pattern_score",
            "amount_z", "amount_log_ratio", "amount_log10", "cold_start", "card_age_log_days",
            "count_1m_log", "count_1h_log", "count_24h_log", "spend_24h_log_ratio",
            "travel_speed_log10_kmh", "travel_distance_log10_km", "country_change",
            "new_device", "cards_sharing_device", "network_change", "device_tied_to_fraud", "cards_sharing_ip",
            "ip_tied_to_fraud", "micro_amount", "round_amount", "unusual_hour", "card_confirmed_fraud",
            "merchant_fraud_pct_7d", "merchant_fraud_pct_30d",
        ]
        #expect(FeatureVector.names.prefix(pinned.count).map { "\($0)" } == pinned)
        #expect(FeatureVector.categoryBase == pinned.count)
        for factor in RiskFactor.allCases {
            let score = Feature.score(of: factor)
            #expect(score.rawValue == factor.rawValue)
            #expect(score.factor == factor)
            #expect("\(score.name)" == factor.name + "_score")
        }
    }

    @Test("features are grouped under the factor that explains them")
    func groups() {
        #expect(FeatureVector.group(of: Feature.amountZ.rawValue) == .amount)
        #expect(FeatureVector.group(of: Feature.count1mLog.rawValue) == .velocity)
        #expect(FeatureVector.group(of: Feature.countryChange.rawValue) == .geographic)
        #expect(FeatureVector.group(of: Feature.ipTiedToFraud.rawValue) == .device)
        #expect(FeatureVector.group(of: Feature.merchantFraudPercent30d.rawValue) == .pattern)
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
        #expect(features[.microAmount] == 1)
        #expect(abs(features[.count1mLog] - 1.7917595) < 1e-5, "ln(6 transactions in a minute)")
        #expect(features[.amountZ] < 0)
        #expect(features[.coldStart] == 0)
        #expect(features.isFinite)
    }

    @Test("a transaction without an id is not logged")
    func unlogged() {
        let engine = RiskEngine(configuration: F.configuration())
        _ = engine.score(TransactionScript.transaction(at: TransactionScript.start))
        #expect(engine.outcomes?.count == 0)
    }
}
