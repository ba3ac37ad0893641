import ScoringModel
import Testing

@Suite("Keyed fingerprints")
struct FingerprintTests {
    /// SipHash-2-4 of the bytes 0..<length under the key 00 01 … 0f: the reference vectors of
    /// Aumasson and Bernstein's paper and implementation.
    @Test(
        "the SipHash core reproduces the reference SipHash-2-4 vectors",
        arguments: [
            (0, 0x726F_DB47_DD0E_0E31), (1, 0x74F8_39C5_93DC_67FD), (8, 0x93F5_F579_9A93_2462),
            (15, 0xA129_CA61_49BE_45E5),
        ] as [(Int, UInt64)])
    func referenceVectors(length: Int, expected: UInt64) {
        let message = (0..<length).map { UInt8($0) }
        let hash = message.withUnsafeBytes {
            Fingerprint.siphash($0, key: .published, compressionRounds: 2, finalizationRounds: 4)
        }
        #expect(hash == expected)
    }

    @Test("a key survives its textual form, and malformed text is refused")
    func hexRoundTrip() {
        let key = FingerprintKey.random()
        #expect(key.hex.count == FingerprintKey.hexDigitCount)
        #expect(FingerprintKey(hex: key.hex) == key)
        #expect(FingerprintKey(hex: "000102030405060708090a0b0c0d0e0f") == .published)
        #expect(FingerprintKey(hex: "00010203") == nil)
        #expect(FingerprintKey(hex: String(repeating: "g", count: FingerprintKey.hexDigitCount)) == nil)
        #expect(FingerprintKey.random() != FingerprintKey.random())
    }

    @Test("every byte and the length count: ids that share a prefix or differ by one byte differ")
    func everyByteCounts() {
        let ids = ["victim", "victim\0", "victim\0" + String(repeating: "x", count: 100), "victin", "Victim", ""]
        let keys = Set(ids.map { EntityKey($0).rawValue })
        #expect(keys.count == ids.count)
        #expect(EntityKey("") == .none)
    }

    @Test("the same id under two keys gives unrelated fingerprints")
    func keyMatters() {
        let other = FingerprintKey(k0: 1, k1: 2)
        for id in ["card-1", "card-2", "a-much-longer-card-identifier-0001"] {
            #expect(EntityKey(id, key: other) != EntityKey(id))
        }
    }
}
