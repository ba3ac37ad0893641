/// How the card was used (mirrors the wire `Channel`).
public enum TransactionChannel: UInt8, Sendable, BitwiseCopyable, CaseIterable {
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

    /// Whether the card itself had to be at the terminal.
    public var isPhysical: Bool { self == .cardPresent || self == .contactless || self == .atm }
}

/// A transaction reduced to what the risk model needs: fixed-size, no strings, no allocation.
///
/// Build it from wire bytes (the daemon does, straight from the protobuf-c structs) or from
/// Swift values with `init(cardID:...)`. Validation happens before: see `TransactionValidator`.
public struct TransactionFeatures: Sendable, BitwiseCopyable {
    /// Fingerprint of the card id; must not be `.none`.
    public var card: EntityKey
    /// Fingerprint of the merchant id; must not be `.none`.
    public var merchant: EntityKey
    /// `.none` when no device fingerprint was given.
    public var device: EntityKey
    /// 32-bit fingerprints; 0 when absent.
    public var ipAddress: UInt32
    /// 32-bit fingerprint of the user agent; 0 when absent.
    public var userAgent: UInt32
    /// Amount in minor units (cents); greater than zero once validated.
    public var amountMinor: Int64
    /// Unix epoch milliseconds when the transaction happened.
    public var eventTimeMs: Int64
    /// Whether `latitude` and `longitude` hold a location (both are 0 otherwise).
    public var hasLocation: Bool
    /// The bytes the alignment of `latitude` leaves after `hasLocation`: zeros, spelled out so that
    /// a journal record of these features writes zeros there rather than whatever the memory held
    /// (the layout is unchanged; `RecordPaddingTests` checks nothing is left uncovered).
    private var spareAfterHasLocation = InlineArray<7, UInt8>(repeating: 0)
    /// Degrees north; 0 without a location.
    public var latitude: Double
    /// Degrees east; 0 without a location.
    public var longitude: Double
    /// Where it happened; `.unknown` when not given.
    public var country: CountryCode
    /// The merchant's category; `.unknown` when not given or not recognised.
    public var category: MerchantCategory
    /// How it was paid; `.unknown` when not given or not recognised.
    public var paymentMethod: PaymentMethod
    /// How the card was used.
    public var channel: TransactionChannel
    /// The bytes the alignment of `transaction` leaves after `channel`: zeros, spelled out so that
    /// a journal record of these features writes zeros there rather than whatever the memory held
    /// (the layout is unchanged; `RecordPaddingTests` checks nothing is left uncovered).
    private var spareAfterChannel = InlineArray<3, UInt8>(repeating: 0)
    /// Fingerprint of the transaction id: the key its outcome is logged under (`.none`: not logged).
    public var transaction: EntityKey

    /// Features from values already fingerprinted and parsed; a `nil` location means none.
    public init(
        card: EntityKey,
        merchant: EntityKey,
        device: EntityKey = .none,
        ipAddress: UInt32 = 0,
        userAgent: UInt32 = 0,
        amountMinor: Int64,
        eventTimeMs: Int64,
        location: (latitude: Double, longitude: Double)? = nil,
        country: CountryCode = .unknown,
        category: MerchantCategory = .unknown,
        paymentMethod: PaymentMethod = .unknown,
        channel: TransactionChannel = .unspecified,
        transaction: EntityKey = .none
    ) {
        self.card = card
        self.merchant = merchant
        self.device = device
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.amountMinor = amountMinor
        self.eventTimeMs = eventTimeMs
        self.hasLocation = location != nil
        self.latitude = location?.latitude ?? 0
        self.longitude = location?.longitude ?? 0
        self.country = country
        self.category = category
        self.paymentMethod = paymentMethod
        self.channel = channel
        self.transaction = transaction
    }

    /// Convenience for tools and tests: fingerprints the identifiers under `key` and parses the names.
    public init(
        cardID: String,
        merchantID: String,
        deviceID: String = "",
        ipAddress: String = "",
        userAgent: String = "",
        amountMinor: Int64,
        eventTimeMs: Int64,
        location: (latitude: Double, longitude: Double)? = nil,
        country: String = "",
        merchantCategory: String = "",
        paymentMethod: String = "",
        channel: TransactionChannel = .unspecified,
        transactionID: String = "",
        key: FingerprintKey = .published
    ) {
        self.init(
            card: EntityKey(cardID, key: key),
            merchant: EntityKey(merchantID, key: key),
            device: EntityKey(deviceID, key: key),
            ipAddress: ipAddress.isEmpty ? 0 : EntityKey(ipAddress, key: key).short,
            userAgent: userAgent.isEmpty ? 0 : EntityKey(userAgent, key: key).short,
            amountMinor: amountMinor,
            eventTimeMs: eventTimeMs,
            location: location,
            country: CountryCode(country) ?? .unknown,
            category: MerchantCategory(merchantCategory),
            paymentMethod: PaymentMethod(paymentMethod),
            channel: channel,
            transaction: EntityKey(transactionID, key: key)
        )
    }

    /// Event time in table seconds.
    @inlinable
    public var eventSeconds: UInt32 { EventTime.seconds(fromUnixMs: eventTimeMs) }

    /// Amount in major units (dollars), for the model's arithmetic.
    @inlinable
    public var amountMajor: Double { Double(amountMinor) / 100 }
}
