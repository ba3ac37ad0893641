import StreamifyWire

/// A generated transaction with its ground truth.
struct LabelledTransaction: Sendable, Hashable {
    var transaction: Transaction
    var truth: GroundTruth
    /// Index of the card in `World.cards` (for replays: a stable hash of the card id).
    var cardIndex: Int
    /// `false` for a replayed transaction without a label: kept out of detection quality.
    var knownTruth = true
}
