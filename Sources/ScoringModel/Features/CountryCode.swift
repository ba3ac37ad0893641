/// An ISO 3166-1 alpha-2 country code packed into 16 bits (`0` = unknown).
public struct CountryCode: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The two letters' ASCII codes, the first in the high byte; 0 = unknown.
    public var rawValue: UInt16

    /// No country given.
    public static let unknown = CountryCode(rawValue: 0)

    /// Wraps a packed code as it is (no check).
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Parses two ASCII letters (either case). `nil` for anything else; empty input is `.unknown`.
    @inlinable
    public init?(bytes: UnsafeRawBufferPointer) {
        if bytes.isEmpty {
            self = .unknown
            return
        }
        guard bytes.count == 2, let first = Self.upper(bytes[0]), let second = Self.upper(bytes[1]) else {
            return nil
        }
        self.rawValue = UInt16(first) << 8 | UInt16(second)
    }

    /// Parses two ASCII letters (either case) from a `String`; `nil` for anything else; empty is `.unknown`.
    public init?(_ code: String) {
        var code = code
        guard let parsed = code.withUTF8({ CountryCode(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    @inlinable
    static func upper(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - 32
        default: return nil
        }
    }

    /// Whether no country is given.
    public var isUnknown: Bool { rawValue == 0 }

    public var description: String {
        isUnknown ? "??" : String(decoding: [UInt8(rawValue >> 8), UInt8(rawValue & 0xFF)], as: UTF8.self)
    }
}
