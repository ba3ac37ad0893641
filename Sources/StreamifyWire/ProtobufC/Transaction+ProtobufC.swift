import CProtobufC
import CStreamifyProto

extension Transaction {
    /// Reads a decoded protobuf-c transaction.
    public init(protobufC c: UnsafePointer<Streamify__V1__Transaction>) {
        let m = c.pointee
        self.init(
            transactionID: String(protobufC: m.transaction_id),
            cardID: String(protobufC: m.card_id),
            merchantID: String(protobufC: m.merchant_id),
            amountMinor: m.amount_minor,
            currency: String(protobufC: m.currency),
            eventTimeMs: m.event_time_ms,
            location: m.location.map { GeoPoint(latitude: $0.pointee.latitude, longitude: $0.pointee.longitude) },
            country: String(protobufC: m.country),
            deviceID: String(protobufC: m.device_id),
            ipAddress: String(protobufC: m.ip_address),
            userAgent: String(protobufC: m.user_agent),
            merchantCategory: String(protobufC: m.merchant_category),
            paymentMethod: String(protobufC: m.payment_method),
            channel: Channel(rawValue: wireNumber(m.channel)) ?? .unspecified
        )
    }

    /// Builds the protobuf-c form of this transaction inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Transaction> {
        let c = arena.make(Streamify__V1__Transaction.self)
        streamify__v1__transaction__init(c)
        c.pointee.transaction_id = arena.copyBinary(transactionID)
        c.pointee.card_id = arena.copyBinary(cardID)
        c.pointee.merchant_id = arena.copyBinary(merchantID)
        c.pointee.amount_minor = amountMinor
        c.pointee.currency = arena.copyBinary(currency)
        c.pointee.event_time_ms = eventTimeMs
        if let location {
            let point = arena.make(Streamify__V1__GeoPoint.self)
            streamify__v1__geo_point__init(point)
            point.pointee.latitude = location.latitude
            point.pointee.longitude = location.longitude
            c.pointee.location = point
        }
        c.pointee.country = arena.copyBinary(country)
        c.pointee.device_id = arena.copyBinary(deviceID)
        c.pointee.ip_address = arena.copyBinary(ipAddress)
        c.pointee.user_agent = arena.copyBinary(userAgent)
        c.pointee.merchant_category = arena.copyBinary(merchantCategory)
        c.pointee.payment_method = arena.copyBinary(paymentMethod)
        c.pointee.channel = cEnum(Streamify__V1__Channel.self, channel.rawValue)
        return c
    }
}

extension Transaction: WireMessage {
    /// The full protobuf name, for errors.
    public static let protoName = "streamify.v1.Transaction"
    /// The generated `streamify__v1__transaction__unpack`.
    public static let unpacker: WireMessageUnpacker<Streamify__V1__Transaction> = streamify__v1__transaction__unpack
}
