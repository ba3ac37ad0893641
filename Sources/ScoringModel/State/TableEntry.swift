/// What a `StripedTable` stores: a fixed-size, trivially copyable record keyed by a fingerprint.
public protocol TableEntry: BitwiseCopyable {
    /// The fingerprint this entry belongs to (never 0).
    var key: UInt64 { get }
    /// Event time (table seconds) this entry was last touched; drives idle expiry and eviction.
    var lastSeen: UInt32 { get }
    /// A fresh entry for a key first seen at `firstSeen`.
    init(key: UInt64, firstSeen: UInt32)
}
