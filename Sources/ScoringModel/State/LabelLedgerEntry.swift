/// A transaction a label was applied to, remembered so that a repeat of the label is recognised
/// as a duplicate when there is no outcome log (the hand-set model keeps none).
public struct LabelLedgerEntry: TableEntry, Sendable {
    /// Fingerprint of the transaction id.
    public private(set) var key: UInt64
    /// The labelled transaction's event time: the entry expires a maturity period after it.
    public private(set) var lastSeen: UInt32

    /// The first label for `key`, on a transaction at event time `firstSeen`.
    public init(key: UInt64, firstSeen: UInt32) {
        self.key = key
        self.lastSeen = firstSeen
    }
}
