import CProtobufC
import CStreamifyProto

/// Encodes and decodes whole messages (without the length prefix).
///
/// This is the convenient, allocating path for clients, tools and tests. The daemon's hot
/// path works on the protobuf-c structs directly (see `SocketDoor.FrameProcessor`).
public enum WireCodec {
    public static func encode(_ request: Request) -> [UInt8] {
        let arena = MessageArena(capacity: 4096)
        return packMessage(request.protobufC(in: arena))
    }

    public static func encode(_ response: Response) -> [UInt8] {
        let arena = MessageArena(capacity: 4096)
        return packMessage(response.protobufC(in: arena))
    }

    public static func encode(_ transaction: Transaction) -> [UInt8] {
        let arena = MessageArena(capacity: 1024)
        return packMessage(transaction.protobufC(in: arena))
    }

    public static func encode(_ feedback: Feedback) -> [UInt8] {
        let arena = MessageArena(capacity: 1024)
        return packMessage(feedback.protobufC(in: arena))
    }

    public static func encode(_ alert: FraudAlert) -> [UInt8] {
        let arena = MessageArena(capacity: 4096)
        return packMessage(alert.protobufC(in: arena))
    }

    /// - Throws: `WireError` with `.malformed` when the bytes are not a `Request`.
    public static func decodeRequest(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Request {
        let arena = MessageArena(capacity: 4096)
        guard
            let c = streamify__v1__request__unpack(
                arena.allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        else { throw WireError(code: .malformed, message: "not a valid streamify.v1.Request") }
        return Request(protobufC: c)
    }

    public static func decodeResponse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Response {
        let arena = MessageArena(capacity: 4096)
        guard
            let c = streamify__v1__response__unpack(
                arena.allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        else { throw WireError(code: .malformed, message: "not a valid streamify.v1.Response") }
        return Response(protobufC: c)
    }

    public static func decodeTransaction(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Transaction {
        let arena = MessageArena(capacity: 1024)
        guard
            let c = streamify__v1__transaction__unpack(
                arena.allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        else { throw WireError(code: .malformed, message: "not a valid streamify.v1.Transaction") }
        return Transaction(protobufC: c)
    }

    public static func decodeFeedback(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Feedback {
        let arena = MessageArena(capacity: 1024)
        guard
            let c = streamify__v1__feedback__unpack(
                arena.allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        else { throw WireError(code: .malformed, message: "not a valid streamify.v1.Feedback") }
        return Feedback(protobufC: c)
    }

    public static func decodeFraudAlert(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> FraudAlert {
        let arena = MessageArena(capacity: 4096)
        guard
            let c = streamify__v1__fraud_alert__unpack(
                arena.allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)),
            let alert = FraudAlert(protobufC: c)
        else { throw WireError(code: .malformed, message: "not a valid streamify.v1.FraudAlert") }
        return alert
    }
}
