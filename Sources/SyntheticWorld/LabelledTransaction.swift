import StreamifyWire

/// A generated transaction with its ground truth.
public struct LabelledTransaction: Sendable, Hashable {
    /// What is sent to the daemon.
    public var transaction: Transaction
    /// Whether it is fraud, and which kind; never sent.
    public var truth: GroundTruth
    /// Index of the card in `World.cards` (for replays: a stable hash of the card id).
    public var cardIndex: Int
    /// `false` for a replayed transaction without a label: kept out of detection quality.
    public var knownTruth = true

    /// Creates a value with every field given.
    public init(transaction: Transaction, truth: GroundTruth, cardIndex: Int, knownTruth: Bool = true) {
        self.transaction = transaction
        self.truth = truth
        self.cardIndex = cardIndex
        self.knownTruth = knownTruth
    }
}
