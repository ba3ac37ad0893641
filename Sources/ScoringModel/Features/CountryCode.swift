/// An ISO 3166-1 alpha-2 country code packed into 16 bits (`0` = unknown).
public struct CountryCode: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt16

    public static let unknown = CountryCode(rawValue: 0)

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

    public var isUnknown: Bool { rawValue == 0 }

    public var description: String {
        isUnknown ? "??" : String(decoding: [UInt8(rawValue >> 8), UInt8(rawValue & 0xFF)], as: UTF8.self)
    }
}
