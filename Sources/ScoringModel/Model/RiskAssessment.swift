/// One factor's result: its score, weight, share of the total, and the evidence behind it.
public struct FactorOutcome: Sendable, BitwiseCopyable {
    public var score: Float
    public var weight: Float
    public var contribution: Float
    /// The strongest evidence.
    public var primary: Signal
    /// A second piece of evidence, or `.none`.
    public var secondary: Signal

    public init(score: Float, primary: Signal, secondary: Signal = .none) {
        self.score = min(max(score, 0), 1)
        self.weight = 0
        self.contribution = 0
        self.primary = primary
        self.secondary = secondary
    }

    /// Both signals as one reason.
    public func render(into writer: inout ReasonWriter) {
        primary.render(into: &writer)
        if secondary.kind != .none {
            writer.append("; ")
            secondary.render(into: &writer)
        }
    }

    public var reason: String { String { render(into: &$0) } }
}

/// The risk model's decision on one transaction, as plain numbers (no heap allocation).
public struct RiskAssessment: Sendable, BitwiseCopyable {
    public var score: Float
    public var level: RiskLevel
    /// Indexed by `RiskFactor.rawValue`.
    public var factors: FactorSlots<FactorOutcome>

    public init(score: Float, level: RiskLevel, factors: FactorSlots<FactorOutcome>) {
        self.score = score
        self.level = level
        self.factors = factors
    }

    public subscript(factor: RiskFactor) -> FactorOutcome { factors[factor.rawValue] }
}
