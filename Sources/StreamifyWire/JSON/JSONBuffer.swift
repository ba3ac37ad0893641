/// JSON text built as UTF-8 in a byte buffer that is kept and reused from record to record.
///
/// The archive writes two JSON columns for every decision, and the Kafka door a JSON alert or
/// score record for every transaction (`--alert-format json`). `JSONEncoder` cost more than the
/// rest of the work (more than half the daemon's CPU for the Kafka door on a real broker), and
/// growing a `String` piece by piece more than a row's insert; appending bytes to storage that
/// is already large enough does not allocate.
public struct JSONBuffer: Sendable {
    /// The text so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Empties the text, keeping its storage.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends `text` as it is (JSON punctuation and names).
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends pre-encoded UTF-8 as it is.
    public mutating func append(raw utf8: [UInt8]) {
        bytes.append(contentsOf: utf8)
    }

    /// Appends `value` as a JSON number, or `null` when it is not finite.
    public mutating func append(_ value: Float) {
        guard value.isFinite else { return append("null") }
        // A Float's shortest description fits a small string: no allocation.
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends `value` as a JSON number, or `null` when it is not finite.
    public mutating func append(_ value: Double) {
        guard value.isFinite else { return append("null") }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends `value` as a JSON number.
    public mutating func append(_ value: Int64) {
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends `text` as a JSON string literal.
    public mutating func appendQuoted(_ text: String) {
        appendQuoted(utf8: text.utf8)
    }

    /// Appends UTF-8 `text` as a JSON string literal.
    public mutating func appendQuoted<Bytes: Sequence<UInt8>>(utf8 text: Bytes) {
        bytes.append(UInt8(ascii: "\""))
        Self.escape(text) { bytes.append($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `utf8` escaped for the inside of a JSON string literal to `sink`, byte by byte:
    /// quote, backslash and control characters escaped, all else (multi-byte characters too) as it is.
    @inline(__always)
    public static func escape<Bytes: Sequence<UInt8>>(_ utf8: Bytes, to sink: (UInt8) -> Void) {
        let hex: StaticString = "0123456789abcdef"
        for byte in utf8 {
            guard needsEscape(byte) else {
                sink(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                sink(UInt8(ascii: "\\"))
                sink(byte)
            case UInt8(ascii: "\n"):
                sink(UInt8(ascii: "\\"))
                sink(UInt8(ascii: "n"))
            default:
                for character in "\\u00".utf8 { sink(character) }
                sink(hex.utf8Start[Int(byte >> 4)])
                sink(hex.utf8Start[Int(byte & 0xF)])
            }
        }
    }

    /// Whether `byte` must be escaped inside a JSON string literal: a quote, a backslash or a
    /// control character.
    @inline(__always)
    public static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20
    }
}
