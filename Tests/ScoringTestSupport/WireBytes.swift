import NIOCore
import StreamifyWire

/// Protobuf wire bytes written by hand, for tests that send shapes the codec never writes:
/// repeated fields, unknown ones, fields out of order, placeholders of a fixed width.
package enum WireBytes {
    /// `value` as a base-128 varint.
    package static func varint(_ value: UInt64) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeProtobufVarint(value)
        return Array(buffer.readableBytesView)
    }

    /// One field: its key, its length when it is length-delimited, then `payload` as it is.
    package static func field(_ number: UInt64, _ wireType: ProtobufWireReader.WireType, _ payload: [UInt8]) -> [UInt8] {
        varint(ProtobufWireReader.key(number, wireType))
            + (wireType == .lengthDelimited ? varint(UInt64(payload.count)) : []) + payload
    }
}
