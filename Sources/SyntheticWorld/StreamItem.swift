import StreamifyWire

/// One thing to send to the daemon, in event-time order.
public enum StreamItem: Sendable, Hashable {
    /// A transaction to score, with its ground truth.
    case transaction(LabelledTransaction)
    /// A delayed outcome (chargeback or confirmation) for an earlier transaction.
    case feedback(Feedback, cardIndex: Int)

    /// The card whose state this item touches (used to keep each card on one connection).
    public var cardIndex: Int {
        switch self {
        case .transaction(let labelled): labelled.cardIndex
        case .feedback(_, let cardIndex): cardIndex
        }
    }
}
