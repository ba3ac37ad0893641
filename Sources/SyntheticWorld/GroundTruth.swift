/// What really happened: kept by loadgen, never sent to the daemon.
public struct GroundTruth: Sendable, Hashable, Codable {
    /// `nil` for a legitimate transaction.
    public var scenario: FraudScenario?

    /// Whether a fraud scenario made the transaction.
    public var isFraud: Bool { scenario != nil }

    /// The truth of a legitimate transaction.
    public static let legitimate = GroundTruth(scenario: nil)

    /// Marks a transaction whose truth is not known (a replay without labels).
    public static let unknownCode: UInt8 = 255

    /// 0 for legitimate, else the scenario's code.
    public var code: UInt8 { scenario?.code ?? 0 }

    /// Creates a value with every field given.
    public init(scenario: FraudScenario?) {
        self.scenario = scenario
    }

    /// The truth stored as `code`; any code that is no scenario's, `unknownCode` included, reads
    /// as legitimate.
    public init(code: UInt8) {
        self.scenario = FraudScenario(code: code)
    }
}
