/// What really happened: kept by loadgen, never sent to the daemon.
public struct GroundTruth: Sendable, Hashable, Codable {
    /// `nil` for a legitimate transaction.
    public var scenario: FraudScenario?

    public var isFraud: Bool { scenario != nil }

    public static let legitimate = GroundTruth(scenario: nil)

    /// Marks a transaction whose truth is not known (a replay without labels).
    public static let unknownCode: UInt8 = 255

    /// 0 for legitimate, else the scenario's code.
    public var code: UInt8 { scenario?.code ?? 0 }

    public init(scenario: FraudScenario?) {
        self.scenario = scenario
    }

    public init(code: UInt8) {
        self.scenario = FraudScenario(code: code)
    }
}
