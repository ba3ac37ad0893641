/// What the daemon remembers about one merchant: recent volume and confirmed fraud.
public struct MerchantState: TableEntry, Sendable {
    public private(set) var key: UInt64
    public var lastSeen: UInt32
    public var transactionCount: UInt32
    public var fraudReports: UInt32
    public var lastFraudReportAt: UInt32
    public var hourWindow: SlidingWindow
    public var dayWindow: SlidingWindow
    /// Transactions and confirmed frauds per day, for the merchant's fraud rate.
    public var outcomes: MerchantOutcomes

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

    public mutating func record(amount: Float, at seconds: UInt32) {
        transactionCount &+= 1
        hourWindow.add(at: seconds, width: WindowWidth.hour, amount: amount)
        dayWindow.add(at: seconds, width: WindowWidth.day, amount: amount)
        lastSeen = max(lastSeen, seconds)
    }
}
