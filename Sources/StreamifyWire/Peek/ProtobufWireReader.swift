/// Reads the protobuf wire format field by field, without decoding messages: enough to look at a
/// frame before committing to a full decode. Every read is bounds-checked; a malformed input
/// ends the walk (`nextField()` returns nil and `isMalformed` is set), never a trap.
package struct ProtobufWireReader {
    /// The protobuf wire types (the low three bits of a field key).
    package enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    /// One field: its number, its wire type, and where its payload is.
    package struct Field {
        package var number: UInt64
        package var wireType: WireType
        /// The value, for a varint field.
        package var varint: UInt64
        /// Where the payload's bytes are: a length-delimited field's bytes, or a fixed32 or
        /// fixed64 field's value.
        package var payload: Range<Int>
    }

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    /// Set when the walk stopped at bytes that are not valid wire format.
    package private(set) var isMalformed = false

    /// Where the next field starts: a later reader given `offset..<end` resumes the walk here.
    package var offset: Int { position }

    /// A field's key as the wire format writes it: the number, then the wire type in the low three bits.
    package static func key(_ number: UInt64, _ wireType: WireType) -> UInt64 {
        number << 3 | wireType.rawValue
    }

    /// How many bytes `value` takes as a varint.
    package static func varintSize(_ value: UInt64) -> Int {
        // Seven bits a byte; zero still takes one.
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    /// A reader over `range` of `bytes` (all of it by default).
    package init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// The next field, or nil at the end (or at malformed bytes).
    package mutating func nextField() -> Field? {
        guard position < end, !isMalformed else { return nil }
        guard let key = readVarint(longest: Self.longestKeyOrLength), let wireType = WireType(rawValue: key & 7), key >> 3 != 0
        else {
            return malformed()
        }
        var field = Field(number: key >> 3, wireType: wireType, varint: 0, payload: position..<position)
        switch wireType {
        case .varint:
            guard let value = readVarint(longest: Self.longestVarint) else { return malformed() }
            field.varint = value
        case .fixed64:
            guard skip(8) else { return malformed() }
            field.payload = (position - 8)..<position
        case .fixed32:
            guard skip(4) else { return malformed() }
            field.payload = (position - 4)..<position
        case .lengthDelimited:
            guard let length = readVarint(longest: Self.longestKeyOrLength), length <= UInt64(end - position) else {
                return malformed()
            }
            field.payload = position..<(position + Int(length))
            position += Int(length)
        case .startGroup, .endGroup:
            // Groups are not used by streamify.v1 (proto3 has none).
            return malformed()
        }
        return field
    }

    private mutating func malformed() -> Field? {
        isMalformed = true
        return nil
    }

    private mutating func skip(_ count: Int) -> Bool {
        guard end - position >= count else { return false }
        position += count
        return true
    }

    /// A base-128 varint of at most `longest` bytes.
    private mutating func readVarint(longest: Int) -> UInt64? {
        Self.varint(in: bytes, at: &position, before: end, longest: longest)
    }

    /// The most bytes a varint takes: ten, seven bits each, for 64 bits.
    package static let longestVarint = (UInt64.bitWidth + 6) / 7

    /// The most bytes of a field key or a length prefix: protobuf-c reads both as 32-bit values,
    /// five bytes at most, and refuses a longer one. A walk that stands in for decoding (a large
    /// batch taken apart item by item, `LargeBatch`) must refuse what it refuses.
    package static let longestKeyOrLength = (UInt32.bitWidth + 6) / 7

    /// Reads a base-128 varint of at most `longest` bytes from `bytes`, starting at `position`
    /// and ending before `end`, and moves `position` past it; nil when it does not end in time.
    package static func varint(
        in bytes: UnsafeRawBufferPointer, at position: inout Int, before end: Int, longest: Int
    ) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let last = min(end, position + longest)
        while position < last {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
