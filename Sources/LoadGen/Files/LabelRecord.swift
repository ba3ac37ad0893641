import SyntheticWorld
/// Ground truth of one transaction: a line of the labels sidecar, and part of a JSON-lines record.
struct LabelRecord: Codable, Sendable, Hashable {
    var transaction_id: String
    var fraud: Bool
    /// A `FraudScenario` raw value, or `nil` for legitimate transactions.
    var scenario: String?

    init(transactionID: String, truth: GroundTruth) {
        transaction_id = transactionID
        fraud = truth.isFraud
        scenario = truth.scenario?.rawValue
    }

    /// `nil` for a fraud of a scenario this version does not know (kept out of detection).
    var truth: GroundTruth? {
        guard fraud else { return .legitimate }
        return scenario.flatMap(FraudScenario.init(rawValue:)).map { GroundTruth(scenario: $0) }
    }
}
