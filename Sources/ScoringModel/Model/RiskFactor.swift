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
/// `evaluate(_:into:)`, and one more slot in `FactorSlots`.
public enum RiskFactor: Int, Sendable, CaseIterable, BitwiseCopyable {
    case amount = 0
    case velocity = 1
    case geographic = 2
    case device = 3
    case pattern = 4

    /// The `streamify.v1.Factor` number.
    public var wireNumber: Int32 { Int32(rawValue + 1) }

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
    case low = 1
    case medium = 2
    case high = 3
    case critical = 4

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }
}
