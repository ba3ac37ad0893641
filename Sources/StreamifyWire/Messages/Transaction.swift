/// A point on the earth, in degrees (WGS 84).
public struct GeoPoint: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// One card transaction to score (`streamify.v1.Transaction`).
public struct Transaction: Sendable, Hashable {
    /// How the card was used.
    public enum Channel: Int32, Sendable, Hashable, CaseIterable {
        case unspecified = 0
        case cardPresent = 1
        case online = 2
        case contactless = 3
        case atm = 4
    }

    public var transactionID: String
    /// Required: card token or hash.
    public var cardID: String
    /// Required: merchant or terminal.
    public var merchantID: String
    /// Required, greater than zero, in minor units (cents).
    public var amountMinor: Int64
    /// ISO 4217; empty means USD.
    public var currency: String
    /// Required: Unix epoch milliseconds when the transaction happened.
    public var eventTimeMs: Int64
    /// Where it happened; `nil` when unknown.
    public var location: GeoPoint?
    /// ISO 3166-1 alpha-2, optional.
    public var country: String
    public var deviceID: String
    public var ipAddress: String
    public var userAgent: String
    /// ISO 18245 MCC ("5411") or a category name ("Electronics").
    public var merchantCategory: String
    public var paymentMethod: String
    public var channel: Channel

    public init(
        transactionID: String = "",
        cardID: String,
        merchantID: String,
        amountMinor: Int64,
        currency: String = "",
        eventTimeMs: Int64,
        location: GeoPoint? = nil,
        country: String = "",
        deviceID: String = "",
        ipAddress: String = "",
        userAgent: String = "",
        merchantCategory: String = "",
        paymentMethod: String = "",
        channel: Channel = .unspecified
    ) {
        self.transactionID = transactionID
        self.cardID = cardID
        self.merchantID = merchantID
        self.amountMinor = amountMinor
        self.currency = currency
        self.eventTimeMs = eventTimeMs
        self.location = location
        self.country = country
        self.deviceID = deviceID
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.merchantCategory = merchantCategory
        self.paymentMethod = paymentMethod
        self.channel = channel
    }
}
