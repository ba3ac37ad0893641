/// A point on the earth, in degrees (WGS 84).
public struct GeoPoint: Sendable, Hashable {
    /// Degrees north, -90...90.
    public var latitude: Double
    /// Degrees east, -180...180.
    public var longitude: Double

    /// Creates a point from degrees.
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// One card transaction to score (`streamify.v1.Transaction`).
public struct Transaction: Sendable, Hashable {
    /// How the card was used.
    public enum Channel: Int32, Sendable, Hashable, CaseIterable {
        /// Not given.
        case unspecified = 0
        /// At a terminal, with the card present.
        case cardPresent = 1
        /// Online, card not present.
        case online = 2
        /// Contactless, at a terminal.
        case contactless = 3
        /// At a cash machine.
        case atm = 4
    }

    /// Optional (at most 64 bytes): echoed in the breakdown, and the id feedback refers to.
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
    /// Device fingerprint, optional (at most 128 bytes).
    public var deviceID: String
    /// Optional (at most 64 bytes); the daemon keeps only a fingerprint of it.
    public var ipAddress: String
    /// Optional (at most 512 bytes); the daemon keeps only a fingerprint of it.
    public var userAgent: String
    /// ISO 18245 MCC ("5411") or a category name ("Electronics").
    public var merchantCategory: String
    /// A name such as `credit_card`, `debit_card`, `wallet` or `crypto`; optional (at most 32 bytes).
    public var paymentMethod: String
    /// How the card was used; `.unspecified` when not given.
    public var channel: Channel

    /// Creates a transaction; only the required fields have no default.
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
