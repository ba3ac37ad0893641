/// A transaction a label was applied to, remembered so that a repeat of the label is recognised
/// as a duplicate when there is no outcome log (the hand-set model keeps none).
public struct LabelLedgerEntry: TableEntry, Sendable {
    /// Fingerprint of the transaction id.
    public private(set) var key: UInt64
    /// The labelled transaction's event time: the entry expires a maturity period after it.
    public private(set) var lastSeen: UInt32
    /// The bytes up to the stride (a snapshot writes entries a stride apart): zeros, spelled out
    /// so that it writes zeros there rather than whatever the memory held (the stride, and so the
    /// state layout, is unchanged; `RecordPaddingTests` checks nothing is left uncovered).
    private var spare: UInt32 = 0

    /// The first label for `key`, on a transaction at event time `firstSeen`.
    public init(key: UInt64, firstSeen: UInt32) {
        self.key = key
        self.lastSeen = firstSeen
    }
}
