import CProtobufC
import CStreamifyProto

/// Decodes a `streamify.v1.Request` of the usual shape straight into protobuf-c's structs, in an
/// arena, with every bytes field borrowing the frame's bytes instead of a copy of them.
///
/// This is the socket door's decoder for scoring requests. protobuf-c's `unpack` is general: it
/// scans the message once to size it, allocates and copies every bytes field, keeps unknown
/// fields, and has its own rule for a message field that appears twice (it keeps the last
/// whole; the protobuf specification merges them). For the requests clients send (each field at
/// most once) all of that comes to the same structs as the few steps here.
///
/// The contract: when `request(_:maximumRepeated:into:)` returns a request, protobuf-c's `unpack`
/// of the same bytes gives the same values in every field (unknown fields aside: they are
/// skipped). Whatever it is not sure of, it declines (returns nil) and the caller decodes with
/// protobuf-c, whose answer then stands, valid or not:
/// - a field that appears twice, or two members of one `oneof` (protobuf-c lets the last win);
/// - a known field with another wire type, a group, field number 0;
/// - a key or length prefix longer than protobuf-c reads (5 bytes), a varint longer than 10,
///   a length past the end of its message;
/// - more than `maximumRepeated` elements in a repeated field;
/// - a field kind it does not handle (`MessageLayout.Kind.unsupported`).
///
/// The decoded structs are valid until the arena is reset or `bytes` go away, whichever is
/// first: the bytes fields point into `bytes`.
package enum BorrowingDecoder {
    /// The `Request` layout, with every message inside it.
    package static let requestLayout: MessageLayout = {
        // The generated init stores the descriptor's own (static) address in the struct.
        var request = Streamify__V1__Request()
        streamify__v1__request__init(&request)
        return MessageLayout(request.base.descriptor)
    }()

    /// Decodes `bytes` as a `Request` into `arena`, or declines (nil): see the type's contract.
    package static func request(
        _ bytes: UnsafeRawBufferPointer, maximumRepeated: Int, into arena: MessageArena
    ) -> UnsafeMutablePointer<Streamify__V1__Request>? {
        let request = arena.make(Streamify__V1__Request.self)
        streamify__v1__request__init(request)
        var reader = Reader(bytes: bytes, maximumRepeated: maximumRepeated, arena: arena)
        guard reader.decode(requestLayout, from: 0, to: bytes.count, into: UnsafeMutableRawPointer(request)) else {
            return nil
        }
        return request
    }

    /// One decode's cursor and limits.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        let maximumRepeated: Int
        let arena: MessageArena
        var position = 0

        /// The longest key and length prefix protobuf-c reads (a 32-bit value's five bytes), and
        /// the longest varint.
        static let longestKey = ProtobufWireReader.longestKeyOrLength
        static let longestLength = ProtobufWireReader.longestKeyOrLength
        static let longestVarint = ProtobufWireReader.longestVarint

        /// Decodes the message in `start..<end` into `message`, already initialised.
        mutating func decode(
            _ layout: MessageLayout, from start: Int, to end: Int, into message: UnsafeMutableRawPointer
        ) -> Bool {
            position = start
            var seen: UInt64 = 0
            var oneofSeen = false
            while position < end {
                guard let key = varint(before: end, longest: Self.longestKey) else { return false }
                let number = key >> 3
                guard number != 0, let wireType = ProtobufWireReader.WireType(rawValue: key & 7) else { return false }
                let field = number < UInt64(layout.fields.count) ? layout.fields[Int(number)] : MessageLayout.Field.unknown
                if field.kind == .unknown {
                    guard skip(wireType, before: end) else { return false }
                    continue
                }
                if field.kind != .repeatedMessage {
                    let bit: UInt64 = 1 << UInt64(field.bit)
                    guard seen & bit == 0 else { return false }
                    seen |= bit
                }
                if field.isOneof {
                    guard !oneofSeen else { return false }
                    oneofSeen = true
                    message.storeBytes(of: UInt32(number), toByteOffset: field.quantifierOffset, as: UInt32.self)
                }
                guard read(field, wireType, of: layout, before: end, into: message) else { return false }
            }
            return position == end
        }

        /// Reads one known field's value into its member.
        private mutating func read(
            _ field: MessageLayout.Field, _ wireType: ProtobufWireReader.WireType, of layout: MessageLayout,
            before end: Int, into message: UnsafeMutableRawPointer
        ) -> Bool {
            switch (field.kind, wireType) {
            case (.varint64, .varint):
                guard let value = varint(before: end, longest: Self.longestVarint) else { return false }
                message.storeBytes(of: value, toByteOffset: field.offset, as: UInt64.self)
            case (.varint32, .varint):
                guard let value = varint(before: end, longest: Self.longestVarint) else { return false }
                message.storeBytes(of: UInt32(truncatingIfNeeded: value), toByteOffset: field.offset, as: UInt32.self)
            case (.fixed64, .fixed64):
                guard end - position >= MemoryLayout<UInt64>.size else { return false }
                let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                message.storeBytes(of: value, toByteOffset: field.offset, as: UInt64.self)
                position += MemoryLayout<UInt64>.size
            case (.bytes, .lengthDelimited):
                guard let length = length(before: end) else { return false }
                // protobuf-c leaves `data` NULL for an empty value.
                let start = length == 0 ? nil : (bytes.baseAddress! + position).assumingMemoryBound(to: UInt8.self)
                message.storeBytes(
                    of: ProtobufCBinaryData(len: length, data: UnsafeMutablePointer(mutating: start)),
                    toByteOffset: field.offset, as: ProtobufCBinaryData.self)
                position += length
            case (.message, .lengthDelimited):
                guard let nested = self.nested(layout.children[field.child], before: end) else { return false }
                message.storeBytes(of: nested, toByteOffset: field.offset, as: UnsafeMutableRawPointer.self)
            case (.repeatedMessage, .lengthDelimited):
                return appendElement(field, of: layout, before: end, into: message)
            default:
                return false
            }
            return true
        }

        /// Decodes a length-delimited message field into a new struct in the arena.
        private mutating func nested(_ layout: MessageLayout, before end: Int) -> UnsafeMutableRawPointer? {
            guard let length = length(before: end) else { return nil }
            let memory = arena.allocate(byteCount: layout.size)
            protobuf_c_message_init(layout.descriptor, memory)
            let nestedEnd = position + length
            guard decode(layout, from: position, to: nestedEnd, into: memory) else { return nil }
            return memory
        }

        /// Decodes one element of a repeated message field and appends it to the field's array,
        /// which is made, `maximumRepeated` long, at the first element.
        private mutating func appendElement(
            _ field: MessageLayout.Field, of layout: MessageLayout, before end: Int, into message: UnsafeMutableRawPointer
        ) -> Bool {
            typealias Element = UnsafeMutableRawPointer?
            let count = message.load(fromByteOffset: field.quantifierOffset, as: Int.self)
            guard count < maximumRepeated else { return false }
            var elements = message.load(fromByteOffset: field.offset, as: UnsafeMutablePointer<Element>?.self)
            if elements == nil {
                elements = arena.make(Element.self, count: maximumRepeated)
                message.storeBytes(of: elements, toByteOffset: field.offset, as: UnsafeMutablePointer<Element>?.self)
            }
            guard let element = nested(layout.children[field.child], before: end) else { return false }
            elements![count] = element
            message.storeBytes(of: count + 1, toByteOffset: field.quantifierOffset, as: Int.self)
            return true
        }

        /// Steps over an unknown field's value.
        private mutating func skip(_ wireType: ProtobufWireReader.WireType, before end: Int) -> Bool {
            switch wireType {
            case .varint:
                return varint(before: end, longest: Self.longestVarint) != nil
            case .fixed64, .fixed32:
                let size = wireType == .fixed64 ? MemoryLayout<UInt64>.size : MemoryLayout<UInt32>.size
                guard end - position >= size else { return false }
                position += size
                return true
            case .lengthDelimited:
                guard let length = length(before: end) else { return false }
                position += length
                return true
            case .startGroup, .endGroup:
                return false
            }
        }

        /// A length prefix that fits before `end`.
        private mutating func length(before end: Int) -> Int? {
            guard let length = varint(before: end, longest: Self.longestLength), length <= UInt64(end - position) else {
                return nil
            }
            return Int(length)
        }

        /// A base-128 varint of at most `longest` bytes, all before `end`.
        @inline(__always)
        private mutating func varint(before end: Int, longest: Int) -> UInt64? {
            // Keys, lengths and small numbers: one byte.
            if position < end, bytes[position] < 0x80 {
                position += 1
                return UInt64(bytes[position - 1])
            }
            return ProtobufWireReader.varint(in: bytes, at: &position, before: end, longest: longest)
        }
    }
}
