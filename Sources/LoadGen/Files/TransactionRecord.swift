import StreamifyWire

/// A transaction as one JSON object (snake_case, as in the .proto).
struct TransactionRecord: Codable, Sendable, Hashable {
    var transaction_id: String
    var card_id: String
    var merchant_id: String
    var amount_minor: Int64
    var currency: String
    var event_time_ms: Int64
    var latitude: Double?
    var longitude: Double?
    var country: String
    var device_id: String
    var ip_address: String
    var user_agent: String
    var merchant_category: String
    var payment_method: String
    /// "card_present", "online", "contactless", "atm" or "unspecified".
    var channel: String

    static let channelNames: [Transaction.Channel: String] = [
        .unspecified: "unspecified", .cardPresent: "card_present", .online: "online", .contactless: "contactless", .atm: "atm",
    ]

    init(_ t: Transaction) {
        transaction_id = t.transactionID
        card_id = t.cardID
        merchant_id = t.merchantID
        amount_minor = t.amountMinor
        currency = t.currency
        event_time_ms = t.eventTimeMs
        latitude = t.location?.latitude
        longitude = t.location?.longitude
        country = t.country
        device_id = t.deviceID
        ip_address = t.ipAddress
        user_agent = t.userAgent
        merchant_category = t.merchantCategory
        payment_method = t.paymentMethod
        channel = Self.channelNames[t.channel] ?? "unspecified"
    }

    var transaction: Transaction {
        Transaction(
            transactionID: transaction_id, cardID: card_id, merchantID: merchant_id, amountMinor: amount_minor,
            currency: currency, eventTimeMs: event_time_ms,
            location: latitude.flatMap { lat in longitude.map { GeoPoint(latitude: lat, longitude: $0) } },
            country: country, deviceID: device_id, ipAddress: ip_address, userAgent: user_agent,
            merchantCategory: merchant_category, paymentMethod: payment_method,
            channel: Self.channelNames.first { $0.value == channel }?.key ?? .unspecified)
    }
}
