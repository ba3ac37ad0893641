/// Compares free-text names ("Gift Cards", "gift_card", "GIFT-CARDS") without allocating:
/// ASCII letters and digits are kept (lower-cased) and everything else is dropped.
enum ASCIIName {
    /// Whether `bytes`, normalised, equal the normalised `name`.
    static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { expected in
            var i = 0
            var j = 0
            while true {
                while i < bytes.count, normalized(bytes[i]) == nil { i += 1 }
                while j < expected.count, normalized(expected[j]) == nil { j += 1 }
                if i == bytes.count || j == expected.count {
                    return i == bytes.count && j == expected.count
                }
                if normalized(bytes[i]) != normalized(expected[j]) { return false }
                i += 1
                j += 1
            }
        }
    }

    /// The value of the first entry in `table` one of whose names `bytes` matches (as `matches`
    /// compares), or `nil`: how categories and payment methods are read from their names.
    @inline(__always)
    static func lookup<Value>(_ bytes: UnsafeRawBufferPointer, in table: [([StaticString], Value)]) -> Value? {
        for (names, value) in table {
            for name in names where matches(bytes, name) { return value }
        }
        return nil
    }

    /// Whether `bytes` hold only ASCII digits, and how many.
    static func decimalValue(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 6 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    @inline(__always)
    static func normalized(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return byte
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte + 32
        default: return nil
        }
    }
}

extension StaticString {
    /// `String` from a static string, for rendering.
    var string: String { withUTF8Buffer { String(decoding: $0, as: UTF8.self) } }
}
