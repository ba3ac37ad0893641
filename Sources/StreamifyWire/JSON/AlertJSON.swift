import StreamifyWire

/// The JSON form of a `FraudAlert` (`--alert-format json`) and of a bare breakdown (scores topic).
public struct AlertJSON: Codable, Sendable, Equatable {
    public struct FactorJSON: Codable, Sendable, Equatable {
        public var factor: String
        public var score: Float
        public var weight: Float
        public var contribution: Float
        public var reason: String
    }

    public var transactionID: String
    public var cardID: String
    public var merchantID: String
    public var amount: Double
    public var currency: String
    public var eventTimeMs: Int64
    public var riskScore: Float
    public var level: String
    public var factors: [FactorJSON]
    public var modelVersion: String
    public var sourceTopic: String?
    public var sourcePartition: Int32?
    public var sourceOffset: Int64?
    public var scoredTimeMs: Int64?

    enum CodingKeys: String, CodingKey {
        case transactionID = "transaction_id"
        case cardID = "card_id"
        case merchantID = "merchant_id"
        case amount, currency, level, factors
        case eventTimeMs = "event_time_ms"
        case riskScore = "risk_score"
        case modelVersion = "model_version"
        case sourceTopic = "source_topic"
        case sourcePartition = "source_partition"
        case sourceOffset = "source_offset"
        case scoredTimeMs = "scored_time_ms"
    }

    public init(alert: FraudAlert) {
        let transaction = alert.transaction
        let breakdown = alert.breakdown
        transactionID = transaction.transactionID
        cardID = transaction.cardID
        merchantID = transaction.merchantID
        amount = Double(transaction.amountMinor) / 100
        currency = transaction.currency.isEmpty ? "USD" : transaction.currency
        eventTimeMs = transaction.eventTimeMs
        riskScore = breakdown.riskScore
        level = Self.name(breakdown.level)
        factors = breakdown.factors.map {
            FactorJSON(
                factor: Self.name($0.factor), score: $0.score, weight: $0.weight, contribution: $0.contribution,
                reason: $0.reason)
        }
        modelVersion = breakdown.modelVersion
        sourceTopic = alert.sourceTopic
        sourcePartition = alert.sourcePartition
        sourceOffset = alert.sourceOffset
        scoredTimeMs = alert.scoredTimeMs
    }

    static func name(_ level: AlertLevel) -> String {
        switch level {
        case .unspecified: "UNSPECIFIED"
        case .low: "LOW"
        case .medium: "MEDIUM"
        case .high: "HIGH"
        case .critical: "CRITICAL"
        }
    }

    static func name(_ factor: Factor) -> String {
        switch factor {
        case .unspecified: "unspecified"
        case .amount: "amount"
        case .velocity: "velocity"
        case .geographic: "geographic"
        case .device: "device"
        case .pattern: "pattern"
        }
    }
}
