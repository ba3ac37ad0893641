/// The five risk factors, in the order every breakdown lists them.
public enum Factor: Int32, Sendable, Hashable, CaseIterable {
    case unspecified = 0
    case amount = 1
    case velocity = 2
    case geographic = 3
    case device = 4
    case pattern = 5
}

/// How urgently a transaction needs attention.
public enum AlertLevel: Int32, Sendable, Hashable, CaseIterable, Comparable {
    case unspecified = 0
    case low = 1
    case medium = 2
    case high = 3
    case critical = 4

    public static func < (lhs: AlertLevel, rhs: AlertLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One factor's share of a decision.
public struct FactorScore: Sendable, Hashable {
    public var factor: Factor
    /// 0...1.
    public var score: Float
    public var weight: Float
    /// This factor's part of `RiskBreakdown.riskScore`; the five add up to it.
    public var contribution: Float
    /// Human-readable evidence.
    public var reason: String

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
    public var transactionID: String
    /// 0...1.
    public var riskScore: Float
    public var level: AlertLevel
    /// Always all five, in `Factor` order.
    public var factors: [FactorScore]
    public var modelVersion: String
    /// Time spent in the server on this transaction.
    public var serverTimeMicroseconds: UInt32

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
