
/// The JSON form of a `FraudAlert` (`--alert-format json`) and of a bare breakdown (scores topic).
public struct AlertJSON: Codable, Sendable, Equatable {
    /// One entry of `factors`.
    public struct FactorJSON: Codable, Sendable, Equatable {
        /// The factor's lower-case name: `amount`, `velocity`, `geographic`, `device` or `pattern`.
        public var factor: String
        /// The factor's score, 0...1.
        public var score: Float
        /// The factor's weight in the model that decided.
        public var weight: Float
        /// This factor's part of `riskScore`; the five add up to it.
        public var contribution: Float
        /// Human-readable evidence.
        public var reason: String
    }

    /// `transaction_id`, as the transaction gave it (may be empty).
    public var transactionID: String
    /// `card_id`: the transaction's card.
    public var cardID: String
    /// `merchant_id`: the transaction's merchant.
    public var merchantID: String
    /// The amount in major units (`amount_minor` / 100).
    public var amount: Double
    /// ISO 4217 code; `USD` when the transaction gave none.
    public var currency: String
    /// `event_time_ms`: Unix epoch milliseconds when the transaction happened.
    public var eventTimeMs: Int64
    /// `risk_score`, 0...1.
    public var riskScore: Float
    /// `LOW`, `MEDIUM`, `HIGH` or `CRITICAL` (`UNSPECIFIED` if the breakdown had none).
    public var level: String
    /// Every factor of the breakdown, in its order.
    public var factors: [FactorJSON]
    /// `model_version`: the model that decided.
    public var modelVersion: String
    /// `source_topic`, the input topic; `nil` (left out) in score records.
    public var sourceTopic: String?
    /// `source_partition`; `nil` (left out) in score records.
    public var sourcePartition: Int32?
    /// `source_offset`; `nil` (left out) in score records.
    public var sourceOffset: Int64?
    /// `scored_time_ms`: wall-clock Unix epoch milliseconds when it was scored; `nil` (left out) in score records.
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

    /// The JSON form of `alert`, every field set.
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
