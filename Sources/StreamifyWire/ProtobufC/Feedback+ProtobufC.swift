import CProtobufC
import CStreamifyProto

extension Feedback {
    /// Reads a decoded protobuf-c feedback; an unknown label number becomes `.unspecified`.
    public init(protobufC c: UnsafePointer<Streamify__V1__Feedback>) {
        let m = c.pointee
        self.init(
            transactionID: String(protobufC: m.transaction_id),
            cardID: String(protobufC: m.card_id),
            merchantID: String(protobufC: m.merchant_id),
            label: Label(rawValue: wireNumber(m.label)) ?? .unspecified,
            eventTimeMs: m.event_time_ms,
            reportedTimeMs: m.reported_time_ms,
            amountMinor: m.amount_minor
        )
    }

    /// Builds the protobuf-c form of this feedback inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Feedback> {
        let c = arena.make(Streamify__V1__Feedback.self)
        streamify__v1__feedback__init(c)
        c.pointee.transaction_id = arena.copyBinary(transactionID)
        c.pointee.card_id = arena.copyBinary(cardID)
        c.pointee.merchant_id = arena.copyBinary(merchantID)
        c.pointee.label = cEnum(Streamify__V1__Label.self, label.rawValue)
        c.pointee.event_time_ms = eventTimeMs
        c.pointee.reported_time_ms = reportedTimeMs
        c.pointee.amount_minor = amountMinor
        return c
    }
}

extension Feedback: WireMessage {
    /// The full protobuf name, for errors.
    public static let protoName = "streamify.v1.Feedback"
    /// The generated `streamify__v1__feedback__unpack`.
    public static let unpacker: WireMessageUnpacker<Streamify__V1__Feedback> = streamify__v1__feedback__unpack
}
