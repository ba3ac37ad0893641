import CProtobufC

/// Where and how a protobuf-c generated struct holds each field of its message, read from the
/// message's descriptor: what `BorrowingDecoder` needs to write a field straight into the struct.
///
/// Built once per message type, with the layouts of the messages inside it; the descriptors
/// protobuf-c generated from `proto/streamify/v1/scoring.proto` are the one source of field
/// numbers, types and offsets.
package struct MessageLayout: @unchecked Sendable {
    /// How a field is decoded into its struct member.
    package enum Kind: UInt8, Sendable {
        /// A number with no field in this message: skipped, as protobuf-c keeps it aside.
        case unknown
        /// `bytes`, or `string` generated with `string_as_bytes`: a `ProtobufCBinaryData`.
        case bytes
        /// `int64` or `uint64`: the varint's 64 bits.
        case varint64
        /// `int32`, `uint32` or an enum: the varint's low 32 bits, as protobuf-c keeps them.
        case varint32
        /// `double`, `fixed64` or `sfixed64`: eight little-endian bytes.
        case fixed64
        /// A singular message: a pointer to its struct.
        case message
        /// A repeated message: a count at the quantifier offset and an array of pointers.
        case repeatedMessage
        /// Anything else (a C string, a float, zigzag or packed numbers, proto3 `optional`): this
        /// decoder does not take the message, protobuf-c does.
        case unsupported
    }

    /// One field number's entry: twelve bytes, so a message's table spans a cache line or two.
    package struct Field: Sendable {
        private var storedOffset: UInt32
        private var storedQuantifierOffset: UInt32
        package var kind: Kind
        /// Whether the field is a member of a `oneof`: the case is set to its number.
        package var isOneof: Bool
        private var storedBit: UInt8
        private var storedChild: UInt8

        /// The member's byte offset in the struct.
        package var offset: Int { Int(storedOffset) }
        /// The offset of its count (repeated) or its oneof's case (`isOneof`).
        package var quantifierOffset: Int { Int(storedQuantifierOffset) }
        /// Its index among the message's fields, for finding repeats (at most 64 fields, so
        /// fields and children alike fit a byte).
        package var bit: Int { Int(storedBit) }
        /// For a message field: its layout's index in `children`.
        package var child: Int { Int(storedChild) }

        init(kind: Kind, offset: UInt32, quantifierOffset: UInt32, isOneof: Bool, bit: Int, child: Int) {
            self.kind = kind
            self.storedOffset = offset
            self.storedQuantifierOffset = quantifierOffset
            self.isOneof = isOneof
            self.storedBit = UInt8(bit)
            self.storedChild = UInt8(child)
        }

        static let unknown = Field(kind: .unknown, offset: 0, quantifierOffset: 0, isOneof: false, bit: 0, child: 0)
    }

    /// The message's descriptor: nested structs are initialised from it.
    package let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    /// The struct's size in bytes.
    package let size: Int
    /// Entries indexed by field number, up to the message's largest; higher numbers are unknown.
    /// Allocated once and never freed, like the children: layouts are made once, for the
    /// process, and read on the hot path without reference counting.
    package let fields: UnsafeBufferPointer<Field>
    /// The layouts of the messages its message fields hold.
    package let children: UnsafeBufferPointer<MessageLayout>

    /// The layout of the message `descriptor` describes, and of every message inside it.
    /// - Precondition: `descriptor` points at a generated descriptor (static storage).
    package init(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.descriptor = descriptor
        self.size = descriptor.pointee.sizeof_message
        let count = Int(descriptor.pointee.n_fields)
        let declared = UnsafeBufferPointer(start: descriptor.pointee.fields, count: count)
        precondition(count <= UInt64.bitWidth, "MessageLayout tracks repeats in one UInt64: \(count) fields")
        let largest = declared.map { Int($0.id) }.max() ?? 0
        let fields = UnsafeMutableBufferPointer<Field>.allocate(capacity: largest + 1)
        fields.initialize(repeating: .unknown)
        var children: [MessageLayout] = []
        for (index, field) in declared.enumerated() {
            let kind = Self.kind(of: field)
            var child = 0
            if kind == .message || kind == .repeatedMessage, let nested = field.descriptor {
                child = children.count
                children.append(MessageLayout(nested.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)))
            }
            fields[Int(field.id)] = Field(
                kind: kind, offset: UInt32(field.offset), quantifierOffset: UInt32(field.quantifier_offset),
                isOneof: field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0, bit: index, child: child)
        }
        let childStorage = UnsafeMutableBufferPointer<MessageLayout>.allocate(capacity: children.count)
        _ = childStorage.initialize(from: children)
        self.fields = UnsafeBufferPointer(fields)
        self.children = UnsafeBufferPointer(childStorage)
    }

    private static func kind(of field: ProtobufCFieldDescriptor) -> Kind {
        switch (field.label, field.type) {
        case (PROTOBUF_C_LABEL_REPEATED, PROTOBUF_C_TYPE_MESSAGE):
            return .repeatedMessage
        case (PROTOBUF_C_LABEL_REPEATED, _), (PROTOBUF_C_LABEL_REQUIRED, _):
            return .unsupported
        case (PROTOBUF_C_LABEL_OPTIONAL, let type) where type != PROTOBUF_C_TYPE_MESSAGE:
            // proto3 `optional` scalars carry a has_ flag this decoder does not set.
            return .unsupported
        case (_, PROTOBUF_C_TYPE_BYTES):
            return .bytes
        case (_, PROTOBUF_C_TYPE_INT64), (_, PROTOBUF_C_TYPE_UINT64):
            return .varint64
        case (_, PROTOBUF_C_TYPE_INT32), (_, PROTOBUF_C_TYPE_UINT32), (_, PROTOBUF_C_TYPE_ENUM):
            return .varint32
        case (_, PROTOBUF_C_TYPE_DOUBLE), (_, PROTOBUF_C_TYPE_FIXED64), (_, PROTOBUF_C_TYPE_SFIXED64):
            return .fixed64
        case (_, PROTOBUF_C_TYPE_MESSAGE):
            return .message
        default:
            return .unsupported
        }
    }
}
