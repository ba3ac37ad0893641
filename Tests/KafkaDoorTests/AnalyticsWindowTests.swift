import Foundation
import Testing
import ScoringModel
@testable import KafkaDoor

@Suite struct AnalyticsWindowTests {
    @Test func summarisesAWindow() throws {
        var window = AnalyticsWindow(startMs: 1_705_314_600_000)
        window.add(amountMinor: 1000, card: 1, category: "grocery", merchant: "m1", paymentMethod: "credit_card",
                   device: "mobile", country: "US", level: .low, alerted: false)
        window.add(amountMinor: 3000, card: 1, category: "electronics", merchant: "m2", paymentMethod: "wallet",
                   device: "desktop", country: "US", level: .high, alerted: true)
        window.add(amountMinor: 2000, card: 2, category: "grocery", merchant: "m1", paymentMethod: "credit_card",
                   device: "mobile", country: "GB", level: .medium, alerted: true)
        window.addDeadLetter()
        let record = window.record(endMs: 1_705_314_660_000)
        #expect(record.windowStart == "2024-01-15T10:30:00.000Z")
        #expect(record.windowEnd == "2024-01-15T10:31:00.000Z")
        #expect(record.transactions == 3)
        #expect(record.revenue == 60)
        #expect(record.averageAmount == 20)
        #expect(record.uniqueCards == 2)
        #expect(record.topCategories.first == .init(name: "electronics", transactions: 1, revenue: 30))
        #expect(record.topMerchants.first == .init(name: "m1", transactions: 2, revenue: 30))
        #expect(abs(record.paymentMethods["credit_card"]! - 2.0 / 3) < 1e-9)
        #expect(abs(record.countries["GB"]! - 1.0 / 3) < 1e-9)
        #expect(record.alertsByLevel == ["low": 1, "medium": 1, "high": 1, "critical": 0])
        #expect(abs(record.alertRate - 2.0 / 3) < 1e-9)
        #expect(record.transactionsPerMinute == 3)
        #expect(record.deadLettered == 1)
        let json = try JSONEncoder().encode(record)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"alert_rate\""))
        #expect(try JSONDecoder().decode(MerchantAnalyticsRecord.self, from: json) == record)
    }

    @Test("distinct cards: exact up to the limit, then an estimate in bounded memory")
    func distinctCards() {
        var count = DistinctCount()
        let limit = UInt64(DistinctCount.exactLimit)
        for card in 0..<limit {
            count.insert(card)
            count.insert(card)
        }
        #expect(count.count == DistinctCount.exactLimit)
        #expect(!count.isEstimate)
        for card in limit..<20_000 { count.insert(card) }
        #expect(count.isEstimate)
        #expect(count.exactlyHeld == 0, "the exact set is dropped")
        // A relative standard error of 0.8–1 %: 3 % is three of them or more. At 45,000 the
        // estimate is near the switch from linear counting, where the raw one still ran high.
        var checked = 20_000
        for target in [20_000, 45_000, 50_000, 1_000_000] {
            for card in checked..<target { count.insert(UInt64(card)) }
            checked = target
            #expect(abs(Double(count.count) - Double(target)) / Double(target) < 0.03, "\(count.count) for \(target)")
        }

        var window = AnalyticsWindow(startMs: 0)
        for card in 0..<50_000 {
            window.add(
                amountMinor: 100, card: UInt64(card) &* 0x9E37_79B9, category: "", merchant: "m", paymentMethod: "",
                device: "", country: "", level: .low, alerted: false)
        }
        let record = window.record(endMs: 60_000)
        #expect(record.uniqueCardsEstimated)
        #expect(abs(Double(record.uniqueCards) - 50_000) / 50_000 < 0.03, "\(record.uniqueCards)")
    }

    @Test func configurationReadsEnvironment() throws {
        #expect(try KafkaDoorConfiguration.fromEnvironment([:]) == nil)
        let configuration = try #require(
            try KafkaDoorConfiguration.fromEnvironment([
                "KAFKA_BOOTSTRAP_SERVERS": "a:9092,b:9092", "KAFKA_TOPIC_SALES": "in", "KAFKA_ALERT_LEVEL": "HIGH",
                "KAFKA_ALERT_FORMAT": "json", "KAFKA_ANALYTICS_INTERVAL": "2.5",
            ]))
        #expect(configuration.brokers == "a:9092,b:9092")
        #expect(configuration.inputTopic == "in")
        #expect(configuration.alertTopic == "fraud_alerts")
        #expect(configuration.effectiveDeadLetterTopic == "in.dlq")
        #expect(configuration.alertLevel == .high)
        #expect(configuration.alertFormat == .json)
        #expect(configuration.analyticsIntervalSeconds == 2.5)
        #expect(throws: ConfigurationError.self) {
            try KafkaDoorConfiguration.fromEnvironment(["KAFKA_BOOTSTRAP_SERVERS": "x", "KAFKA_ALERT_LEVEL": "severe"])
        }
        let setting = try KafkaDoorConfiguration.parseSetting("sasl.password=a=b")
        #expect(setting.0 == "sasl.password" && setting.1 == "a=b")
        #expect(throws: ConfigurationError.self) { try KafkaDoorConfiguration.parseSetting("novalue") }
    }

    /// Input naming a new merchant in every message must not grow a window without bound.
    @Test func breakdownsAreBounded() {
        var window = AnalyticsWindow(startMs: 1_705_314_600_000, maximumDistinct: 3)
        for index in 0..<10 {
            window.add(amountMinor: 100, card: UInt64(index), category: "c\(index % 2)", merchant: "m\(index)",
                       paymentMethod: "card", device: "d\(index)", country: "US", level: .low, alerted: false)
        }
        let record = window.record(endMs: 1_705_314_660_000)
        #expect(record.topMerchants.count == 4)
        #expect(record.topMerchants.first == .init(name: AnalyticsWindow.otherValue, transactions: 7, revenue: 7))
        #expect(record.topCategories.count == 2)
        #expect(Set(record.devices.keys) == ["d0", "d1", "d2", AnalyticsWindow.otherValue])
        #expect(window.folded == 14)
    }
}
