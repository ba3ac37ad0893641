import CProtobufC
import CStreamifyProto

/// A Swift message type with a protobuf-c form: what `WireCodec` encodes and decodes.
///
/// A conformance, at the top of the type's `+ProtobufC` file beside its conversions, names the
/// message's full name and the generated `unpack` function.
public protocol WireMessage: Sendable {
    /// The protobuf-c struct generated for this message.
    associatedtype ProtobufCType
    /// The full protobuf name, for errors (`streamify.v1.Request`).
    static var protoName: String { get }
    /// The generated `streamify__v1__*__unpack` function.
    static var unpacker: WireMessageUnpacker<ProtobufCType> { get }
    /// Reads a decoded message; `nil` when a required part is missing.
    init?(protobufC: UnsafePointer<ProtobufCType>)
    /// Builds the protobuf-c form inside `arena`.
    func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<ProtobufCType>
}

/// The shape of protobuf-c's generated `*__unpack` functions.
public typealias WireMessageUnpacker<Message> =
    @Sendable (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Message>?

extension WireMessage {
    /// Decodes `bytes` into `arena`; `nil` when they are not this message.
    @inlinable
    public static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<ProtobufCType>? {
        arena.unpack(bytes, with: unpacker)
    }
}

extension MessageArena {
    /// Runs a generated `*__unpack` function on `bytes` with this arena as the allocator.
    @inlinable
    public func unpack<Message>(
        _ bytes: UnsafeRawBufferPointer,
        with generated: WireMessageUnpacker<Message>
    ) -> UnsafeMutablePointer<Message>? {
        generated(allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
    }
}
