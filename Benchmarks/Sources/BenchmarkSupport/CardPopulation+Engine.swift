import ScoringEngine
import ScoringModel
import StreamifyWire
import SyntheticWorld

extension CardPopulation {
    /// The model-side features of a transaction, as the daemon extracts them (its intake, under
    /// the published fingerprint key). The population only makes valid transactions.
    public static func features(_ transaction: Transaction) -> TransactionFeatures {
        switch TransactionIntake.features(of: transaction, key: .published) {
        case .success(let features): return features
        case .failure(let error): preconditionFailure("the population made an invalid transaction: \(error)")
        }
    }

    /// Scores every warm-up transaction into `engine`; returns how many.
    @discardableResult
    public func warm(_ engine: RiskEngine) -> Int {
        var count = 0
        forEachWarmUpTransaction { _, transaction in
            _ = engine.score(Self.features(transaction))
            count += 1
        }
        return count
    }
}
