import ScoringModel

/// Models and engines for the outcome-learning tests.
enum LearningFixtures {
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    /// A small hand-written logistic model over the five factor scores.
    static func logisticModel(version: String = "logistic-test-1") throws -> RiskModel {
        let json = """
            {"version": "\(version)", "combiner": "logistic",
             "logistic": {"bias": -5, "coefficients": {"amount_score": 6, "velocity_score": 6, "geographic_score": 6,
                                                        "device_score": 6, "pattern_score": 6}},
             "thresholds": {"medium": 0.3, "high": 0.6, "critical": 0.85}}
            """
        return try RiskModel.decode(json: Array(json.utf8))
    }

    /// One stripe per table, so every table's event-time clock sees every event (tests only).
    static func configuration(
        maturityDays: UInt32 = 30, delayDays: Int = 7, learning: LearningConfiguration = LearningConfiguration()
    ) -> EngineConfiguration {
        EngineConfiguration(
            stripeCount: 1, maximumCards: 10_000, maximumDevices: 10_000, maximumMerchants: 1_000,
            maximumLoggedTransactions: 50_000, outcomeMaturitySeconds: maturityDays * 86_400,
            outcomeDelayDays: delayDays, learning: learning)
    }

    static func label(
        _ transactionID: String, card: String, merchant: String = "", fraud: Bool = true,
        eventTimeMs: Int64, reportedTimeMs: Int64
    ) -> FeedbackFeatures {
        FeedbackFeatures(
            card: EntityKey(card), merchant: EntityKey(merchant), outcome: fraud ? .fraud : .legitimate,
            eventTimeMs: eventTimeMs, reportedTimeMs: reportedTimeMs, amountMinor: 4_500,
            transaction: EntityKey(transactionID))
    }

    static func transaction(
        _ id: String, card: String, merchant: String = "m-1", device: String = "", ip: String = "",
        amountMinor: Int64 = 4_500, at time: Int64, category: String = "5411", method: String = "credit_card",
        channel: TransactionChannel = .online
    ) -> TransactionFeatures {
        TransactionFeatures(
            cardID: card, merchantID: merchant, deviceID: device, ipAddress: ip, amountMinor: amountMinor,
            eventTimeMs: time, merchantCategory: category, paymentMethod: method, channel: channel,
            transactionID: id)
    }
}
