/// Sizes and lifetimes of the engine's state tables.
public struct EngineConfiguration: Sendable, Equatable {
    /// Lock stripes per table (a power of two).
    public var stripeCount: Int
    /// Cards kept at most; when full, the least recently seen (of a sample) is evicted.
    public var maximumCards: Int
    /// Device and IP address entries kept at most.
    public var maximumDevices: Int
    /// Merchants kept at most.
    public var maximumMerchants: Int
    /// Event-time TTLs: entries idle this long are dropped.
    public var cardIdleSeconds: UInt32
    /// Event-time TTL of device and IP address entries.
    public var deviceIdleSeconds: UInt32
    /// Event-time TTL of merchant entries.
    public var merchantIdleSeconds: UInt32
    /// Scored transactions kept awaiting their outcome (0: no outcome log, no learning from labels).
    public var maximumLoggedTransactions: Int
    /// Event time after which a transaction without a fraud label counts as legitimate.
    public var outcomeMaturitySeconds: UInt32
    /// Merchant fraud rates count only transactions at least this many days old (whose outcome
    /// could be known); at most `MerchantOutcomes.dayCount - 31`.
    public var outcomeDelayDays: Int
    /// A card with confirmed fraud drops that mark after this long without use (0: never;
    /// a reissued card has a new id anyway).
    public var confirmedFraudQuietSeconds: UInt32
    /// A card's confirmed-fraud signal holds for this many seconds of event time after the
    /// report, then halves every as many (0: it never fades); the challenger learns its worth.
    public var confirmedFraudHalfLifeSeconds: UInt32
    /// Labels held until the event-time clock reaches their reported time, at most.
    public var maximumPendingLabels: Int
    /// Labelled transaction ids remembered for duplicate detection when there is no outcome log
    /// (which detects them itself); the oldest are forgotten first, and each is kept for the
    /// outcome maturity period of event time.
    public var maximumLabelledTransactions: Int
    /// The online learner that trains the challenger, and when the challenger answers (on by default).
    public var learning: LearningConfiguration
    /// Event time between housekeeping rounds (idle expiry, held-label release, learning from
    /// matured outcomes). Rounds run as the transactions' clock crosses each multiple of it.
    public var housekeepingPeriodSeconds: UInt32
    /// How far ahead of the event clock (the newest transaction scored) and of the wall clock a
    /// transaction or a label's reported time may be; further ahead is refused (0: no bound).
    public var maximumClockSkewSeconds: UInt32
    /// The key identifiers are fingerprinted under; a daemon serving clients needs a secret one
    /// (`FingerprintKey.random()` or a kept key file), or ids could be crafted to collide.
    public var fingerprintKey: FingerprintKey

    /// Creates a configuration; `outcomeDelayDays` is clamped to 0...`MerchantOutcomes.dayCount - 31`.
    public init(
        stripeCount: Int = 64,
        maximumCards: Int = 2_000_000,
        maximumDevices: Int = 1_000_000,
        maximumMerchants: Int = 250_000,
        cardIdleSeconds: UInt32 = 90 * 86_400,
        deviceIdleSeconds: UInt32 = 30 * 86_400,
        merchantIdleSeconds: UInt32 = 30 * 86_400,
        maximumLoggedTransactions: Int = 0,
        outcomeMaturitySeconds: UInt32 = 30 * 86_400,
        outcomeDelayDays: Int = 7,
        confirmedFraudQuietSeconds: UInt32 = 0,
        confirmedFraudHalfLifeSeconds: UInt32 = 7 * 86_400,
        maximumPendingLabels: Int = 100_000,
        maximumLabelledTransactions: Int = 1_000_000,
        learning: LearningConfiguration = LearningConfiguration(),
        housekeepingPeriodSeconds: UInt32 = 3_600,
        maximumClockSkewSeconds: UInt32 = 3_600,
        fingerprintKey: FingerprintKey = .published
    ) {
        self.stripeCount = stripeCount
        self.maximumCards = maximumCards
        self.maximumDevices = maximumDevices
        self.maximumMerchants = maximumMerchants
        self.cardIdleSeconds = cardIdleSeconds
        self.deviceIdleSeconds = deviceIdleSeconds
        self.merchantIdleSeconds = merchantIdleSeconds
        self.maximumLoggedTransactions = maximumLoggedTransactions
        self.outcomeMaturitySeconds = outcomeMaturitySeconds
        self.outcomeDelayDays = min(max(outcomeDelayDays, 0), MerchantOutcomes.dayCount - 31)
        self.confirmedFraudQuietSeconds = confirmedFraudQuietSeconds
        self.confirmedFraudHalfLifeSeconds = confirmedFraudHalfLifeSeconds
        self.maximumPendingLabels = maximumPendingLabels
        self.maximumLabelledTransactions = maximumLabelledTransactions
        self.learning = learning
        self.housekeepingPeriodSeconds = housekeepingPeriodSeconds
        self.maximumClockSkewSeconds = maximumClockSkewSeconds
        self.fingerprintKey = fingerprintKey
    }
}
