/// Sizes and lifetimes of the engine's state tables.
public struct EngineConfiguration: Sendable, Equatable {
    /// Lock stripes per table (a power of two).
    public var stripeCount: Int
    public var maximumCards: Int
    public var maximumDevices: Int
    public var maximumMerchants: Int
    /// Event-time TTLs: entries idle this long are dropped.
    public var cardIdleSeconds: UInt32
    public var deviceIdleSeconds: UInt32
    public var merchantIdleSeconds: UInt32

    public init(
        stripeCount: Int = 64,
        maximumCards: Int = 2_000_000,
        maximumDevices: Int = 1_000_000,
        maximumMerchants: Int = 250_000,
        cardIdleSeconds: UInt32 = 90 * 86_400,
        deviceIdleSeconds: UInt32 = 30 * 86_400,
        merchantIdleSeconds: UInt32 = 30 * 86_400
    ) {
        self.stripeCount = stripeCount
        self.maximumCards = maximumCards
        self.maximumDevices = maximumDevices
        self.maximumMerchants = maximumMerchants
        self.cardIdleSeconds = cardIdleSeconds
        self.deviceIdleSeconds = deviceIdleSeconds
        self.merchantIdleSeconds = merchantIdleSeconds
    }
}
