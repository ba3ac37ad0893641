/// Encodes and decodes whole messages (without the length prefix), for any `WireMessage`.
///
/// This is the convenient, allocating path for clients, tools and tests. The daemon's hot
/// path works on the protobuf-c structs directly (see `SocketDoor.FrameProcessor`).
public enum WireCodec {
    /// The arena a message is built in or decoded into; it grows in chunks when a message is larger.
    static let arenaCapacity = 4096

    /// The message's protobuf bytes.
    public static func encode<Message: WireMessage>(_ message: Message) -> [UInt8] {
        let arena = MessageArena(capacity: arenaCapacity)
        return ProtobufCPacking.bytes(of: message.protobufC(in: arena))
    }

    /// Decodes one message of type `Message`.
    ///
    /// - Throws: `WireError` with `.malformed` when the bytes are not such a message.
    public static func decode<Message: WireMessage>(
        _: Message.Type, from bytes: UnsafeRawBufferPointer
    ) throws(WireError) -> Message {
        // protobuf-c takes a field numbered 0 as an unknown field when its key is written in two
        // bytes (0x80 0x00); the wire format forbids it and the server's `RequestPeek` refuses
        // it. The same walk of the top-level keys here keeps the two in agreement.
        var keys = ProtobufWireReader(bytes)
        while keys.nextField() != nil {}
        let arena = MessageArena(capacity: arenaCapacity)
        guard !keys.isMalformed, let decoded = Message.unpack(bytes, into: arena), let message = Message(protobufC: decoded) else {
            throw WireError(code: .malformed, message: "not a valid \(Message.protoName)")
        }
        return message
    }
}
