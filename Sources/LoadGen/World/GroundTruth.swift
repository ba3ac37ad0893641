/// What really happened: kept by loadgen, never sent to the daemon.
struct GroundTruth: Sendable, Hashable, Codable {
    /// `nil` for a legitimate transaction.
    var scenario: FraudScenario?

    var isFraud: Bool { scenario != nil }

    static let legitimate = GroundTruth(scenario: nil)

    /// Marks a transaction whose truth is not known (a replay without labels).
    static let unknownCode: UInt8 = 255

    /// 0 for legitimate, else the scenario's code.
    var code: UInt8 { scenario?.code ?? 0 }

    init(scenario: FraudScenario?) {
        self.scenario = scenario
    }

    init(code: UInt8) {
        self.scenario = FraudScenario(code: code)
    }
}
