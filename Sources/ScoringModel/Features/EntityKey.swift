/// A 64-bit fingerprint of an identifier (card, merchant, device): what the state tables are keyed by.
///
/// Identifiers are hashed, not stored, which keeps table entries fixed-size and lets the
/// daemon key its tables straight from the wire bytes without making a `String`. The hash is
/// keyed (`FingerprintKey`), over every byte and the length, so two different identifiers share
/// state only if their 64-bit fingerprints collide by chance, about one chance in 37 million
/// across a million cards, and nobody without the key can find a pair that does. The raw
/// value 0 means "absent".
public struct EntityKey: Hashable, Sendable, BitwiseCopyable {
    /// The 64-bit fingerprint; 0 means absent (`.none`).
    public var rawValue: UInt64

    /// No identifier given.
    public static let none = EntityKey(rawValue: 0)

    /// Wraps a fingerprint as it is (0 is `.none`).
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Fingerprints raw identifier bytes under `key`; empty input gives `.none`.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer, key: FingerprintKey) {
        if bytes.isEmpty {
            self = .none
        } else {
            let hash = Fingerprint.hash(bytes, key: key)
            self.rawValue = hash == 0 ? 1 : hash
        }
    }

    /// Fingerprints an identifier's UTF-8 under `key` (the published one by default, for tests
    /// and tools); the empty string gives `.none`.
    public init(_ identifier: String, key: FingerprintKey = .published) {
        var identifier = identifier
        self = identifier.withUTF8 { EntityKey(bytes: UnsafeRawBufferPointer($0), key: key) }
    }

    /// Whether no identifier was given.
    public var isNone: Bool { rawValue == 0 }

    /// A 32-bit fingerprint, for small per-card sets (devices, IPs) where collisions only blur a signal.
    public var short: UInt32 {
        let folded = UInt32(truncatingIfNeeded: rawValue ^ (rawValue >> 32))
        return folded == 0 ? 1 : folded
    }
}
