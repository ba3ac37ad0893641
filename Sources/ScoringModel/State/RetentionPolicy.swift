/// How a `StripedTable` makes room: what its inserts do about idle entries, and which entry a
/// full stripe gives up for a new one.
public enum RetentionPolicy: Sendable {
    /// Inserts drop a couple of idle entries as they go, and a full stripe evicts the least
    /// recently seen of eight sampled entries (approximate LRU). For state that is seen again:
    /// cards, devices, merchants.
    case leastRecentlySeen
    /// Inserts drop nothing, so every idle entry leaves through `expireIdle(_:)`, and a full
    /// stripe evicts in arrival order: a cursor goes round the stripe's positions, which hold
    /// entries in the order they came while nothing is removed (a removal moves the newest entry
    /// into the hole, where the cursor may reach it early). For a log of entries written once
    /// that wait to be collected: the outcome log. Eviction then reads no sampled times, and what
    /// the next evictions touch is loaded ahead of them.
    case arrivalOrder
}
