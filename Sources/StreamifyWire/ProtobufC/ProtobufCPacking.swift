import CProtobufC
import NIOCore

/// Packs protobuf-c messages: the one place that sizes a message and writes its bytes.
///
/// `message` is any generated protobuf-c struct (every one starts with a `ProtobufCMessage`).
public enum ProtobufCPacking {
    /// The packed size of `message` in bytes.
    @inlinable
    public static func size(of message: UnsafeRawPointer) -> Int {
        protobuf_c_message_get_packed_size(message.assumingMemoryBound(to: ProtobufCMessage.self))
    }

    /// Packs `message` into a new array (allocates: for tools, tests and the client).
    public static func bytes(of message: UnsafeRawPointer) -> [UInt8] {
        let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
        return [UInt8](unsafeUninitializedCapacity: protobuf_c_message_get_packed_size(base)) { buffer, initialized in
            initialized = protobuf_c_message_pack(base, buffer.baseAddress)
        }
    }

    /// Packs `message` into `buffer`, growing it only when it is too small, and hands the packed
    /// bytes to `body`. Reusing one buffer, a steady stream of messages allocates nothing.
    public static func pack<Result>(
        _ message: UnsafeRawPointer, reusing buffer: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(base)
        if size > buffer.count { buffer = [UInt8](repeating: 0, count: size * 2) }
        return buffer.withUnsafeMutableBufferPointer { memory in
            let written = protobuf_c_message_pack(base, memory.baseAddress)
            return body(UnsafeRawBufferPointer(start: memory.baseAddress, count: written))
        }
    }
}

extension ByteBuffer {
    /// Appends `message` (any protobuf-c struct) as one frame, packed straight into the buffer.
    @inlinable
    public mutating func writeProtobufCFrame(_ message: UnsafeRawPointer) {
        let size = ProtobufCPacking.size(of: message)
        writeInteger(UInt32(size), endianness: .big)
        writeProtobufCMessage(message, packedSize: size)
    }

    /// Appends `message` (any protobuf-c struct) packed, with no prefix. `packedSize` is its
    /// `ProtobufCPacking.size(of:)`, which a caller needs first for the length it writes ahead
    /// of the message, so the message is not sized twice.
    @inlinable
    public mutating func writeProtobufCMessage(_ message: UnsafeRawPointer, packedSize: Int) {
        let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
        writeWithUnsafeMutableBytes(minimumWritableBytes: packedSize) { buffer in
            protobuf_c_message_pack(base, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Appends `value` as a protobuf base-128 varint.
    package mutating func writeProtobufVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        writeInteger(UInt8(value))
    }

    /// Appends a field key: `number` and `wireType` as protobuf packs them.
    package mutating func writeProtobufKey(_ number: UInt64, _ wireType: ProtobufWireReader.WireType) {
        writeProtobufVarint(ProtobufWireReader.key(number, wireType))
    }
}
