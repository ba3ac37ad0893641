import SyntheticWorld
import ScoringModel

/// How outcomes reach the engines in `train` and `evaluate`: the daemon's outcome options.
///
/// Deploy a trained model with the same `--outcome-maturity` and `--outcome-delay` it was
/// trained with, or the merchant fraud rates it learned from will mean something else.
struct OutcomeSettings: Sendable, Codable, Hashable {
    /// Event time after which a transaction with no fraud label counts as legitimate.
    var maturitySeconds: UInt32 = 7 * 86_400
    /// Merchant fraud rates count transactions at least this many days old.
    var merchantDelayDays: Int = 3
    /// Transactions kept awaiting their outcome (the daemon's default under a learned model).
    var loggedTransactions: Int = 1_000_000

    /// The engine configuration for a model; `learning` off freezes it.
    func engineConfiguration(learning: LearningConfiguration) -> EngineConfiguration {
        EngineConfiguration(
            maximumLoggedTransactions: loggedTransactions, outcomeMaturitySeconds: maturitySeconds,
            outcomeDelayDays: merchantDelayDays, learning: learning)
    }
}
