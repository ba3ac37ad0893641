/// What the daemon remembers about one merchant: recent volume and confirmed fraud.
public struct MerchantState: TableEntry, Sendable {
    /// The merchant's fingerprint.
    public private(set) var key: UInt64
    /// Newest event time (table seconds) of a recorded transaction; drives expiry.
    public var lastSeen: UInt32
    /// Transactions recorded (wraps at `UInt32.max`).
    public var transactionCount: UInt32
    /// Confirmed frauds reported against it (wraps at `UInt32.max`).
    public var fraudReports: UInt32
    /// When the latest fraud report came (table seconds; 0 = never).
    public var lastFraudReportAt: UInt32
    /// Count and amount over the last hour.
    public var hourWindow: SlidingWindow
    /// Count and amount over the last 24 hours.
    public var dayWindow: SlidingWindow
    /// Transactions and confirmed frauds per day, for the merchant's fraud rate.
    public var outcomes: MerchantOutcomes
    /// The four bytes the fields above leave before the stride, spelled out so that a snapshot
    /// writes zeros there rather than whatever the memory held (the stride, and so the state
    /// layout, is the same).
    private var unused: UInt32 = 0

    /// A merchant with no history, created at event time `firstSeen` (table seconds).
    public init(key: UInt64, firstSeen: UInt32) {
        self.key = key
        self.lastSeen = firstSeen
        self.transactionCount = 0
        self.fraudReports = 0
        self.lastFraudReportAt = 0
        self.hourWindow = SlidingWindow()
        self.dayWindow = SlidingWindow()
        self.outcomes = MerchantOutcomes()
    }

    /// Counts a transaction of `amount` (major units) at event time `seconds`.
    public mutating func record(amount: Float, at seconds: UInt32) {
        transactionCount &+= 1
        hourWindow.add(at: seconds, width: WindowWidth.hour, amount: amount)
        dayWindow.add(at: seconds, width: WindowWidth.day, amount: amount)
        lastSeen = max(lastSeen, seconds)
    }
}
