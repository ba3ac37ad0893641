import StreamifyWire

/// What a protobuf `string` field a client sent holds: proto3 requires valid UTF-8, and the
/// daemon also refuses NUL bytes, which C tools, logs and the warehouse would cut the text at.
public enum TextCheck: Equatable, Sendable {
    case valid
    case containsNUL
    case invalidUTF8

    /// Classifies `bytes`: a byte loop for ASCII, then the well-formed sequences of Unicode's
    /// table 3-7 (no overlongs, no surrogates, nothing above U+10FFFF) once a byte ≥ 0x80 appears.
    @inline(__always)
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> TextCheck {
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight bytes at once while they are ASCII and not NUL: no high bit set, and no zero
            // byte (`(w - 0x01…) & ~w & 0x80…` is nonzero exactly when some byte of w is zero).
            // A byte loop alone was 3 % of a batch's scoring.
            if count - index >= MemoryLayout<UInt64>.size {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & Self.highBits == 0, (word &- Self.lowBits) & ~word & Self.highBits == 0 {
                    index += MemoryLayout<UInt64>.size
                    continue
                }
            }
            let lead = bytes[index]
            if lead == 0 { return .containsNUL }
            if lead < 0x80 {
                index += 1
                continue
            }
            // The allowed range of the second byte, and how many bytes follow the lead.
            let second: ClosedRange<UInt8>
            let trailing: Int
            switch lead {
            case 0xC2...0xDF: (second, trailing) = (0x80...0xBF, 1)
            case 0xE0: (second, trailing) = (0xA0...0xBF, 2)
            case 0xE1...0xEC, 0xEE...0xEF: (second, trailing) = (0x80...0xBF, 2)
            case 0xED: (second, trailing) = (0x80...0x9F, 2)
            case 0xF0: (second, trailing) = (0x90...0xBF, 3)
            case 0xF1...0xF3: (second, trailing) = (0x80...0xBF, 3)
            case 0xF4: (second, trailing) = (0x80...0x8F, 3)
            default: return .invalidUTF8
            }
            guard index + trailing < count, second.contains(bytes[index + 1]) else { return .invalidUTF8 }
            var next = index + 2
            while next <= index + trailing {
                guard (0x80...0xBF).contains(bytes[next]) else { return .invalidUTF8 }
                next += 1
            }
            index = next
        }
        return .valid
    }

    /// The high bit of every byte of a word.
    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    /// The low bit of every byte of a word.
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101

    /// The `INVALID_ARGUMENT` for a string field `field` holding `bytes`, or nil when they are text.
    public static func error(field: String, _ bytes: UnsafeRawBufferPointer) -> WireError? {
        switch classify(bytes) {
        case .valid: nil
        case .containsNUL: WireError(code: .invalidArgument, message: "\(field) contains a NUL byte", field: field)
        case .invalidUTF8: WireError(code: .invalidArgument, message: "\(field) is not valid UTF-8", field: field)
        }
    }
}
