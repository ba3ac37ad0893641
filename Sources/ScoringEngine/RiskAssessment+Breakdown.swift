import ScoringModel
import StreamifyWire

extension RiskAssessment {
    /// The wire breakdown for this assessment, with every factor's reason rendered.
    public func breakdown(transactionID: String, modelVersion: String, serverTimeMicroseconds: UInt32) -> RiskBreakdown {
        RiskBreakdown(
            transactionID: transactionID,
            riskScore: score,
            level: AlertLevel(rawValue: level.rawValue) ?? .unspecified,
            factors: RiskFactor.allCases.map { factor in
                let outcome = self[factor]
                return FactorScore(
                    factor: Factor(rawValue: factor.wireNumber) ?? .unspecified,
                    score: outcome.score,
                    weight: outcome.weight,
                    contribution: outcome.contribution,
                    reason: outcome.reason
                )
            },
            modelVersion: modelVersion,
            serverTimeMicroseconds: serverTimeMicroseconds
        )
    }
}
