/// A merchant's transactions and confirmed frauds per event-time day, for its recent fraud rate.
///
/// Frauds are counted on the day of the *transaction* (not of the report), so the rate over a
/// window is "frauds among the transactions of those days". Only days at least `delay` old
/// count: newer transactions' outcomes cannot be known yet, and counting them would dilute
/// the rate. A fraud report only exists here from the moment it is applied, so no score ever
/// sees a label before it was reported.
public struct MerchantOutcomes: Sendable, BitwiseCopyable {
    /// Days kept: the delay plus the longest window must fit.
    public static let dayCount = 40
    static let daySeconds: UInt32 = 86_400
    /// Smoothing: the rate starts at `priorRate` as if from `priorTransactions` transactions.
    public static let priorRate = 0.002
    public static let priorTransactions = 50.0

    var transactions: InlineArray<40, UInt32>
    var frauds: InlineArray<40, UInt16>
    /// Day number of the newest bucket (0 before the first event).
    var newestDay: UInt32

    public init() {
        transactions = .init(repeating: 0)
        frauds = .init(repeating: 0)
        newestDay = 0
    }

    /// Moves the ring forward to `day`, clearing the days it skips.
    private mutating func advance(to day: UInt32) {
        guard day > newestDay else { return }
        let gap = day - newestDay
        if gap >= UInt32(Self.dayCount) || newestDay == 0 {
            transactions = .init(repeating: 0)
            frauds = .init(repeating: 0)
        } else {
            for step in 1...gap {
                let slot = Int((newestDay + step) % UInt32(Self.dayCount))
                transactions[slot] = 0
                frauds[slot] = 0
            }
        }
        newestDay = day
    }

    /// Counts a transaction at event time `seconds`.
    public mutating func addTransaction(at seconds: UInt32) {
        let day = seconds / Self.daySeconds
        advance(to: day)
        guard newestDay - day < UInt32(Self.dayCount) else { return }
        let slot = Int(day % UInt32(Self.dayCount))
        if transactions[slot] != .max { transactions[slot] += 1 }
    }

    /// Counts a confirmed fraud on a transaction made at `seconds`; false when that day is out of reach.
    @discardableResult
    public mutating func addFraud(transactionAt seconds: UInt32) -> Bool {
        let day = seconds / Self.daySeconds
        advance(to: day)
        guard newestDay - day < UInt32(Self.dayCount) else { return false }
        let slot = Int(day % UInt32(Self.dayCount))
        if frauds[slot] != .max { frauds[slot] += 1 }
        return true
    }

    /// Frauds and transactions over the `windowDays` days that end `delayDays` before `seconds`.
    public func totals(at seconds: UInt32, delayDays: Int, windowDays: Int) -> (frauds: Int, transactions: Int) {
        let today = Int(seconds / Self.daySeconds)
        let newest = Int(newestDay)
        var fraudCount = 0
        var transactionCount = 0
        let last = today - max(delayDays, 0)
        let first = last - max(windowDays, 1) + 1
        for day in max(first, 0)...max(last, 0) where day <= newest && newest - day < Self.dayCount && first <= last {
            let slot = day % Self.dayCount
            fraudCount += Int(frauds[slot])
            transactionCount += Int(transactions[slot])
        }
        return (fraudCount, transactionCount)
    }

    /// The smoothed fraud rate (0...1) over a window whose outcomes could be known.
    public func rate(at seconds: UInt32, delayDays: Int, windowDays: Int) -> (rate: Double, frauds: Int, transactions: Int) {
        let counts = totals(at: seconds, delayDays: delayDays, windowDays: windowDays)
        let frauds = min(counts.frauds, counts.transactions)
        let rate =
            (Double(frauds) + Self.priorRate * Self.priorTransactions)
            / (Double(counts.transactions) + Self.priorTransactions)
        return (rate, frauds, counts.transactions)
    }
}

/// A merchant's recent fraud rates at scoring time, as the factors see them.
public struct MerchantRisk: Sendable, BitwiseCopyable {
    public var week: (rate: Double, frauds: Int, transactions: Int)
    public var month: (rate: Double, frauds: Int, transactions: Int)

    public static let none = MerchantRisk(
        week: (MerchantOutcomes.priorRate, 0, 0), month: (MerchantOutcomes.priorRate, 0, 0))

    public init(week: (rate: Double, frauds: Int, transactions: Int), month: (rate: Double, frauds: Int, transactions: Int)) {
        self.week = week
        self.month = month
    }

    /// Rates from `outcomes` at `seconds`, over 7 and 30 days ending `delayDays` back.
    public init(_ outcomes: MerchantOutcomes, at seconds: UInt32, delayDays: Int) {
        week = outcomes.rate(at: seconds, delayDays: delayDays, windowDays: 7)
        month = outcomes.rate(at: seconds, delayDays: delayDays, windowDays: 30)
    }
}
