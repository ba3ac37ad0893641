/// One factor's result: its score, weight, share of the total, and the evidence behind it.
public struct FactorOutcome: Sendable, BitwiseCopyable {
    /// The factor's score, 0...1 (the initializer clamps it).
    public var score: Float
    /// The factor's weight in the model that combined it (a logistic model's coefficient on the score); 0 until combined.
    public var weight: Float
    /// This factor's share of the total score; the five add up to it. 0 until combined.
    public var contribution: Float
    /// The bytes the alignment of `primary` leaves after `contribution`: zeros, spelled out so that
    /// a raw copy written to the state (an input's recorded answer) holds zeros there rather than
    /// whatever the memory held (the layout is unchanged; `RecordPaddingTests` checks nothing is
    /// left uncovered).
    private var spare: UInt32 = 0
    /// The strongest evidence.
    public var primary: Signal
    /// A second piece of evidence, or `.none`.
    public var secondary: Signal

    /// A factor result with `score` clamped to 0...1; weight and contribution stay 0 until the model combines it.
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

    /// Both signals as one reason (allocates a `String`).
    public var reason: String { String { render(into: &$0) } }
}

/// The risk model's decision on one transaction, as plain numbers (no heap allocation).
public struct RiskAssessment: Sendable, BitwiseCopyable {
    /// The combined risk score, 0...1.
    public var score: Float
    /// The level `score` falls in under the model's thresholds.
    public var level: RiskLevel
    /// The bytes the alignment of `factors` leaves after `level` (an enum takes one byte):
    /// zeros, spelled out so that a raw copy written to the state (an input's recorded answer)
    /// holds zeros there rather than whatever the memory held (the layout is unchanged;
    /// `RecordPaddingTests` checks nothing is left uncovered).
    private var spare = InlineArray<3, UInt8>(repeating: 0)
    /// Indexed by `RiskFactor.rawValue`.
    public var factors: FactorSlots<FactorOutcome>

    /// Creates a value with every field given.
    public init(score: Float, level: RiskLevel, factors: FactorSlots<FactorOutcome>) {
        self.score = score
        self.level = level
        self.factors = factors
    }

    /// A zero score at the lowest level, every factor at 0 with no evidence: a placeholder to
    /// score into.
    public init() {
        self.init(score: 0, level: .low, factors: .init(repeating: FactorOutcome(score: 0, primary: .none)))
    }

    /// The outcome of `factor`.
    public subscript(factor: RiskFactor) -> FactorOutcome { factors[factor.rawValue] }
}
