/// Compares free-text names ("Gift Cards", "gift_card", "GIFT-CARDS") without allocating:
/// ASCII letters and digits are kept (lower-cased) and everything else is dropped.
enum ASCIIName {
    /// A name normalised (letters and digits kept, lower-cased), packed into a fixed-size key:
    /// the bytes kept, in order, zero-padded (a kept byte is never zero, so no two names share a key).
    struct Key: Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        /// The most bytes a key holds; a longer name matches none of the tables' names.
        static let capacity = MemoryLayout<(UInt64, UInt64, UInt64, UInt64)>.size

        /// `bytes` normalised, or nil when more than `capacity` bytes are kept.
        init?(_ bytes: UnsafeRawBufferPointer) {
            var kept = 0
            let fits = withUnsafeMutableBytes(of: &words) { packed in
                for byte in bytes {
                    guard let normal = ASCIIName.normalized(byte) else { continue }
                    guard kept < Self.capacity else { return false }
                    packed[kept] = normal
                    kept += 1
                }
                return true
            }
            guard fits else { return nil }
        }

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
                && lhs.words.3 == rhs.words.3
        }
    }

    /// Names and the values they stand for, each name normalised once, here: a lookup
    /// normalises its text once and compares whole words (a scan normalising both sides of
    /// every comparison was 2 % of a batch's scoring; a `Dictionary`'s SipHash cost as much again).
    struct Table<Value: Sendable>: Sendable {
        private let keys: [Key]
        private let values: [Value]

        /// The table of `entries`: each value with its names, looked up in this order.
        init(_ entries: [([StaticString], Value)]) {
            var keys: [Key] = []
            var values: [Value] = []
            for (names, value) in entries {
                for name in names {
                    let key = name.withUTF8Buffer { Key(UnsafeRawBufferPointer($0)) }
                    guard let key else { preconditionFailure("a name longer than \(Key.capacity) letters and digits: \(name)") }
                    keys.append(key)
                    values.append(value)
                }
            }
            self.keys = keys
            self.values = values
        }

        /// The value of the first entry one of whose names `bytes` match once both are
        /// normalised, or `nil`.
        @inline(__always)
        func value(for bytes: UnsafeRawBufferPointer) -> Value? {
            guard let key = Key(bytes) else { return nil }
            for index in keys.indices where keys[index] == key { return values[index] }
            return nil
        }
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
