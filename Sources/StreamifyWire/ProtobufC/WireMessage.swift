import CProtobufC
import CStreamifyProto

/// A Swift message type with a protobuf-c form: what `WireCodec` encodes and decodes.
///
/// A conformance names the generated struct, the generated `unpack` function and the
/// message's full name; the conversions themselves live in the type's `+ProtobufC` file.
public protocol WireMessage: Sendable {
    /// The protobuf-c struct generated for this message.
    associatedtype ProtobufCType
    /// The full protobuf name, for errors (`streamify.v1.Request`).
    static var protoName: String { get }
    /// Decodes `bytes` into `arena`; `nil` when they are not this message.
    static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<ProtobufCType>?
    /// Reads a decoded message; `nil` when a required part is missing.
    init?(protobufC: UnsafePointer<ProtobufCType>)
    /// Builds the protobuf-c form inside `arena`.
    func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<ProtobufCType>
}

extension MessageArena {
    /// Runs a generated `*__unpack` function on `bytes` with this arena as the allocator.
    @inlinable
    public func unpack<Message>(
        _ bytes: UnsafeRawBufferPointer,
        with generated: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Message>?
    ) -> UnsafeMutablePointer<Message>? {
        generated(allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
    }
}

extension Request: WireMessage {
    public static let protoName = "streamify.v1.Request"
    public static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Request>? {
        arena.unpack(bytes, with: streamify__v1__request__unpack)
    }
}

extension Response: WireMessage {
    public static let protoName = "streamify.v1.Response"
    public static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Response>? {
        arena.unpack(bytes, with: streamify__v1__response__unpack)
    }
}

extension Transaction: WireMessage {
    public static let protoName = "streamify.v1.Transaction"
    public static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Transaction>? {
        arena.unpack(bytes, with: streamify__v1__transaction__unpack)
    }
}

extension Feedback: WireMessage {
    public static let protoName = "streamify.v1.Feedback"
    public static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Feedback>? {
        arena.unpack(bytes, with: streamify__v1__feedback__unpack)
    }
}

extension FraudAlert: WireMessage {
    public static let protoName = "streamify.v1.FraudAlert"
    public static func unpack(_ bytes: UnsafeRawBufferPointer, into arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__FraudAlert>? {
        arena.unpack(bytes, with: streamify__v1__fraud_alert__unpack)
    }
}
