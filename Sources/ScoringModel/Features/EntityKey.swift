/// A 64-bit fingerprint of an identifier (card, merchant, device): what the state tables are keyed by.
///
/// Identifiers are hashed, not stored, which keeps table entries fixed-size and lets the
/// daemon key its tables straight from the wire bytes without making a `String`. Two
/// different identifiers share state only if their 64-bit fingerprints collide: about one
/// chance in 37 million across a million cards. The raw value 0 means "absent".
public struct EntityKey: Hashable, Sendable, BitwiseCopyable {
    /// The 64-bit fingerprint; 0 means absent (`.none`).
    public var rawValue: UInt64

    /// No identifier given.
    public static let none = EntityKey(rawValue: 0)

    /// Wraps a fingerprint as it is (0 is `.none`).
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Fingerprints raw identifier bytes; empty input gives `.none`.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        if bytes.isEmpty {
            self = .none
        } else {
            let hash = Fingerprint.hash(bytes)
            self.rawValue = hash == 0 ? 1 : hash
        }
    }

    /// Fingerprints an identifier's UTF-8; the empty string gives `.none`.
    public init(_ identifier: String) {
        var identifier = identifier
        self = identifier.withUTF8 { EntityKey(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Whether no identifier was given.
    public var isNone: Bool { rawValue == 0 }

    /// A 32-bit fingerprint, for small per-card sets (devices, IPs) where collisions only blur a signal.
    public var short: UInt32 {
        let folded = UInt32(truncatingIfNeeded: rawValue ^ (rawValue >> 32))
        return folded == 0 ? 1 : folded
    }
}

/// A fast non-cryptographic 64-bit hash (multiply-rotate over 8-byte words, 64-bit finaliser).
public enum Fingerprint {
    @usableFromInline static let m1: UInt64 = 0x87C3_7B91_1142_53D5
    @usableFromInline static let m2: UInt64 = 0x4CF5_AD43_2745_937F

    /// The 64-bit hash of `bytes` (may be 0: `EntityKey` maps that to 1).
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(bytes.count) &* m2)
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            h ^= rotate(word &* m1, 31) &* m2
            h = rotate(h, 27) &* 5 &+ 0x52DC_E729
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            h ^= rotate(tail &* m1, 31) &* m2
        }
        return finalize(h)
    }

    /// Spreads every input bit over the whole word.
    @inlinable
    public static func finalize(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    @inlinable
    static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
