import ArgumentParser
import StreamifyWire

/// `--explain all|top-factor|none`: the `explain` each scoring request carries.
extension Explain: ExpressibleByArgument {
    /// The level `argument` names.
    public init?(argument: String) {
        guard let level = Self.allCases.first(where: { $0.argumentName == argument }) else { return nil }
        self = level
    }

    /// How the command line spells the level.
    public var argumentName: String {
        switch self {
        case .all: "all"
        case .topFactor: "top-factor"
        case .none: "none"
        }
    }

    public static var allValueStrings: [String] { allCases.map(\.argumentName) }

    public var defaultValueDescription: String { argumentName }
}
