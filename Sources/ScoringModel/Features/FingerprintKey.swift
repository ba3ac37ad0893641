/// The secret that keys identifier fingerprints: SipHash's 128-bit key.
///
/// With a key nobody outside the deployment knows, nobody can compute offline which card ids
/// share a fingerprint, so nobody can craft an id that shares a victim's state or fraud mark.
/// Every process that must agree on fingerprints (a daemon and its restarts) uses the same key.
public struct FingerprintKey: Sendable, Equatable {
    /// The key's first 64 bits (its first 8 bytes, little-endian).
    public var k0: UInt64
    /// The key's last 64 bits.
    public var k1: UInt64

    /// Number of hexadecimal digits in the textual form.
    public static let hexDigitCount = 2 * (MemoryLayout<UInt64>.size * 2)

    /// A key from its two halves.
    public init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// A key everyone knows (SipHash's reference key, bytes 0...15): for tests, tools and offline
    /// evaluation, where no adversary chooses the ids. A daemon serving clients uses a secret key.
    public static let published = FingerprintKey(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)

    /// A fresh key from the system's cryptographically secure generator.
    public static func random() -> FingerprintKey {
        var generator = SystemRandomNumberGenerator()
        return FingerprintKey(k0: generator.next(), k1: generator.next())
    }

    /// Reads the textual form: `hexDigitCount` hexadecimal digits, the key's bytes in order.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == Self.hexDigitCount else { return nil }
        var halves: [UInt64] = []
        for half in stride(from: 0, to: digits.count, by: digits.count / 2) {
            var value: UInt64 = 0
            for byteIndex in 0..<MemoryLayout<UInt64>.size {
                let offset = half + 2 * byteIndex
                guard let high = Self.nibble(digits[offset]), let low = Self.nibble(digits[offset + 1]) else { return nil }
                value |= UInt64(high << 4 | low) << (8 * UInt64(byteIndex))
            }
            halves.append(value)
        }
        self.init(k0: halves[0], k1: halves[1])
    }

    /// The textual form `init(hex:)` reads.
    public var hex: String {
        var text = ""
        for half in [k0, k1] {
            for byteIndex in 0..<MemoryLayout<UInt64>.size {
                let byte = UInt8(truncatingIfNeeded: half >> (8 * UInt64(byteIndex)))
                text += byte < 0x10 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
            }
        }
        return text
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
