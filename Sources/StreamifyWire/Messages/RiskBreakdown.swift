/// The five risk factors, in the order every breakdown lists them.
public enum Factor: Int32, Sendable, Hashable, CaseIterable {
    /// No factor set (the proto default).
    case unspecified = 0
    /// The amount against the card's spending profile and in absolute terms.
    case amount = 1
    /// Bursts of transactions and spend in the 1 min, 1 h and 24 h windows.
    case velocity = 2
    /// Implied travel speed since the last located use, and country changes.
    case geographic = 3
    /// New, shared or fraud-tied devices, and network changes.
    case device = 4
    /// Risky categories and methods, card testing, round amounts, unusual hours, confirmed fraud.
    case pattern = 5
}

/// How urgently a transaction needs attention.
public enum AlertLevel: Int32, Sendable, Hashable, CaseIterable, Comparable {
    /// No level set (the proto default).
    case unspecified = 0
    /// Below the model's medium threshold.
    case low = 1
    /// At or above the medium threshold, below high.
    case medium = 2
    /// At or above the high threshold, below critical.
    case high = 3
    /// At or above the critical threshold.
    case critical = 4

    /// Orders levels by severity (their wire numbers).
    public static func < (lhs: AlertLevel, rhs: AlertLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One factor's share of a decision.
public struct FactorScore: Sendable, Hashable {
    /// The factor this entry is about.
    public var factor: Factor
    /// 0...1.
    public var score: Float
    /// The factor's weight in the model that decided (a logistic model's coefficient on the factor's score).
    public var weight: Float
    /// This factor's part of `RiskBreakdown.riskScore`; the five add up to it.
    public var contribution: Float
    /// Human-readable evidence.
    public var reason: String

    /// Creates a value with every field given.
    public init(factor: Factor, score: Float, weight: Float, contribution: Float, reason: String) {
        self.factor = factor
        self.score = score
        self.weight = weight
        self.contribution = contribution
        self.reason = reason
    }
}

/// The daemon's decision on one transaction.
public struct RiskBreakdown: Sendable, Hashable {
    /// The scored transaction's id, as sent (may be empty).
    public var transactionID: String
    /// 0...1.
    public var riskScore: Float
    /// The level `riskScore` falls in under the model's thresholds.
    public var level: AlertLevel
    /// Always all five, in `Factor` order.
    public var factors: [FactorScore]
    /// Version of the model that decided.
    public var modelVersion: String
    /// Time spent in the server on this transaction.
    public var serverTimeMicroseconds: UInt32

    /// Creates a value with every field given.
    public init(
        transactionID: String,
        riskScore: Float,
        level: AlertLevel,
        factors: [FactorScore],
        modelVersion: String,
        serverTimeMicroseconds: UInt32
    ) {
        self.transactionID = transactionID
        self.riskScore = riskScore
        self.level = level
        self.factors = factors
        self.modelVersion = modelVersion
        self.serverTimeMicroseconds = serverTimeMicroseconds
    }
}
