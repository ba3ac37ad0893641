import StreamifyWire
import SyntheticWorld

/// Transactions from the one synthetic world, for Kafka door tests.
enum WorldTransactions {
    /// The first `count` transactions (no outcomes) of a small world.
    static func make(count: Int, seed: UInt64, cards: Int, fraudRate: Double = 0.02) -> [Transaction] {
        var stream = TransactionStream(
            configuration: WorldConfiguration(seed: seed, cardCount: cards, merchantCount: max(cards / 5, 50), fraudRate: fraudRate))
        return stream.nextTransactions(count)
    }
}
