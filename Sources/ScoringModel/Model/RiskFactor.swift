/// The five risk factors; `rawValue` is the position in a breakdown (wire number minus one).
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
