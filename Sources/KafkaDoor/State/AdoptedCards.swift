/// The cards of one input partition whose state was adopted from the changelog as of an offset
/// past what the state holds whole (`InputLedger.adoptedAhead`): a message there is in the state
/// only if its own card was adopted as of its offset or later. Any other card's message was never
/// taken in, whether its changelog record was lost or the message changed no card, and is scored.
struct AdoptedCards {
    /// Each adopted card's key, with the offset its state is as of.
    private let offsets: [UInt64: Int64]
    /// The highest of `offsets`; -1 for none. Past it, no message is in an adopted state.
    let through: Int64

    /// The cards `offsets` names.
    init(_ offsets: [UInt64: Int64] = [:]) {
        self.offsets = offsets
        through = offsets.values.max() ?? -1
    }

    /// Whether the message at `offset`, of the card keyed `card`, is in that card's adopted state.
    func hold(card: UInt64, offset: Int64) -> Bool {
        offset <= through && offset <= offsets[card, default: -1]
    }
}
