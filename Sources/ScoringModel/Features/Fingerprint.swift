/// Keyed 64-bit fingerprints of identifier bytes: SipHash-1-3 (the variant Swift's `Hasher` and
/// Rust's `HashMap` use against hash flooding), plus a 64-bit mixer for values already hashed.
public enum Fingerprint {
    /// SipHash-1-3 of `bytes` under `key` (may be 0: `EntityKey` maps that to 1).
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, key: FingerprintKey) -> UInt64 {
        siphash(bytes, key: key, compressionRounds: 1, finalizationRounds: 3)
    }

    /// SipHash-c-d (Aumasson and Bernstein, 2012) of `bytes` under `key`; `hash` fixes c = 1, d = 3.
    /// Exposed with its round counts so the reference SipHash-2-4 vectors can check it.
    @inlinable
    public static func siphash(
        _ bytes: UnsafeRawBufferPointer, key: FingerprintKey, compressionRounds: Int, finalizationRounds: Int
    ) -> UInt64 {
        var state = SipState(key: key)
        let wordSize = MemoryLayout<UInt64>.size
        let count = bytes.count
        var offset = 0
        while offset + wordSize <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            state.compress(word, rounds: compressionRounds)
            offset += wordSize
        }
        // The last block: the remaining bytes, and the length's low byte in the top byte.
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while offset < count {
            last |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        state.compress(last, rounds: compressionRounds)
        return state.finalize(rounds: finalizationRounds)
    }

    /// Spreads every input bit over the whole word (a bijection: the murmur3 finaliser).
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
}

/// SipHash's four words of state.
@usableFromInline
struct SipState {
    @usableFromInline var v0: UInt64
    @usableFromInline var v1: UInt64
    @usableFromInline var v2: UInt64
    @usableFromInline var v3: UInt64

    /// The initial state: the key xored with "somepseudorandomlygeneratedbytes".
    @inlinable
    init(key: FingerprintKey) {
        v0 = key.k0 ^ 0x736F_6D65_7073_6575
        v1 = key.k1 ^ 0x646F_7261_6E64_6F6D
        v2 = key.k0 ^ 0x6C79_6765_6E65_7261
        v3 = key.k1 ^ 0x7465_6462_7974_6573
    }

    @inlinable
    mutating func compress(_ word: UInt64, rounds: Int) {
        v3 ^= word
        for _ in 0..<rounds { round() }
        v0 ^= word
    }

    @inlinable
    mutating func finalize(rounds: Int) -> UInt64 {
        v2 ^= 0xFF
        for _ in 0..<rounds { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }

    @inlinable
    mutating func round() {
        v0 &+= v1
        v1 = v1.rotatedLeft(13)
        v1 ^= v0
        v0 = v0.rotatedLeft(32)
        v2 &+= v3
        v3 = v3.rotatedLeft(16)
        v3 ^= v2
        v0 &+= v3
        v3 = v3.rotatedLeft(21)
        v3 ^= v0
        v2 &+= v1
        v1 = v1.rotatedLeft(17)
        v1 ^= v2
        v2 = v2.rotatedLeft(32)
    }
}

extension UInt64 {
    @inlinable
    func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
