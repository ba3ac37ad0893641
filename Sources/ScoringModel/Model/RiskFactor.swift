/// One value per risk factor, stored inline (no allocation on the hot path), indexed by
/// `RiskFactor.rawValue`.
///
/// The one place the number of factors is written: `InlineArray` needs it at compile time.
/// `RiskFactorTests` checks it against `RiskFactor.allCases.count`, so a new case that is not
/// counted here fails the tests rather than a request.
public typealias FactorSlots<Element> = InlineArray<5, Element>

/// The risk factors; `rawValue` is the position in a breakdown (wire number minus one).
///
/// Adding a factor: a case here (and in the proto's `Factor` enum), its `name` and
/// `defaultWeight`, a file under `Factors/` with its `evaluate`, its registration in
/// `evaluate(_:into:)`, one more slot in `FactorSlots`, and its score and raw features in
/// `Feature`.
public enum RiskFactor: Int, Sendable, CaseIterable, BitwiseCopyable {
    /// The amount against the card's spending profile and in absolute terms.
    case amount = 0
    /// Bursts of transactions and spend in the 1 min, 1 h and 24 h windows.
    case velocity = 1
    /// Implied travel speed since the last located use, and country changes.
    case geographic = 2
    /// New, shared or fraud-tied devices, and network changes.
    case device = 3
    /// Risky categories and methods, card testing, round amounts, unusual hours, confirmed fraud.
    case pattern = 4

    /// The `streamify.v1.Factor` number.
    public var wireNumber: Int32 { Int32(rawValue + 1) }

    /// Lower-case name, as a model file's `weights` spell it (`amount`).
    public var name: String {
        switch self {
        case .amount: "amount"
        case .velocity: "velocity"
        case .geographic: "geographic"
        case .device: "device"
        case .pattern: "pattern"
        }
    }

    /// The factor's weight in the hand-set noisy-OR; also what a model file without this
    /// factor's weight gets.
    public var defaultWeight: Float {
        switch self {
        case .amount: 0.55
        case .velocity: 0.8
        case .geographic: 0.9
        case .device: 0.6
        case .pattern: 0.6
        }
    }

    /// Scores this factor against the card's state before the transaction, recording the
    /// features it looked at: the one registration of each factor's implementation.
    @inline(__always)
    func evaluate(_ context: ScoringContext, into features: inout FeatureVector) -> FactorOutcome {
        switch self {
        case .amount: AmountFactor.evaluate(context, into: &features)
        case .velocity: VelocityFactor.evaluate(context, into: &features)
        case .geographic: GeographicFactor.evaluate(context, into: &features)
        case .device: DeviceFactor.evaluate(context, into: &features)
        case .pattern: PatternFactor.evaluate(context, into: &features)
        }
    }
}

/// Alert levels; `rawValue` is the `streamify.v1.AlertLevel` number.
public enum RiskLevel: Int32, Sendable, CaseIterable, Comparable, BitwiseCopyable {
    /// Below the model's medium threshold.
    case low = 1
    /// At or above the medium threshold, below high.
    case medium = 2
    /// At or above the high threshold, below critical.
    case high = 3
    /// At or above the critical threshold.
    case critical = 4

    /// Orders levels by severity.
    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Lower-case name: `low`, `medium`, `high` or `critical`.
    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// Parses a level's name in any case; `nil` for anything else.
    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }
}
