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
    static let daySeconds = EventTime.daySeconds
    /// Smoothing: the rate starts at `priorRate` as if from `priorTransactions` transactions.
    public static let priorRate = 0.002
    /// How many transactions' worth of weight `priorRate` carries.
    public static let priorTransactions = 50.0

    var transactions: InlineArray<40, UInt32>
    var frauds: InlineArray<40, UInt16>
    /// Day number of the newest bucket (0 before the first event).
    var newestDay: UInt32
    /// `weekAndMonth` as last computed, for the window ending on day `cachedLast` (-1: none).
    /// With a delay of a day or more, today's transactions fall outside the window, so a
    /// merchant's rates are summed once a day rather than on every transaction.
    var cachedLast: Int32
    var cachedDelay: Int32
    var cached: InlineArray<4, UInt32>

    /// No transactions and no frauds yet.
    public init() {
        transactions = .init(repeating: 0)
        frauds = .init(repeating: 0)
        newestDay = 0
        cachedLast = -1
        cachedDelay = 0
        cached = .init(repeating: 0)
    }

    @inline(__always)
    private mutating func invalidate(ifCovering day: UInt32) {
        if Int64(day) <= Int64(cachedLast) { cachedLast = -1 }
    }

    /// Moves the ring forward to `day`, clearing the days it skips.
    private mutating func advance(to day: UInt32) {
        guard day > newestDay else { return }
        cachedLast = -1
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
        invalidate(ifCovering: day)
        let slot = Int(day % UInt32(Self.dayCount))
        if transactions[slot] != .max { transactions[slot] += 1 }
    }

    /// Counts a confirmed fraud on a transaction made at `seconds`; false when that day is out of reach.
    @discardableResult
    public mutating func addFraud(transactionAt seconds: UInt32) -> Bool {
        let day = seconds / Self.daySeconds
        advance(to: day)
        guard newestDay - day < UInt32(Self.dayCount) else { return false }
        invalidate(ifCovering: day)
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
        let frauds = frauds.span
        let transactions = transactions.span
        for day in max(first, 0)...max(last, 0) where day <= newest && newest - day < Self.dayCount && first <= last {
            let slot = day % Self.dayCount
            fraudCount += Int(frauds[slot])
            transactionCount += Int(transactions[slot])
        }
        return (fraudCount, transactionCount)
    }

    /// Frauds and transactions over 7 and over 30 days ending `delayDays` before `seconds`, in one pass.
    public func weekAndMonth(at seconds: UInt32, delayDays: Int) -> (week: (frauds: Int, transactions: Int), month: (frauds: Int, transactions: Int)) {
        let last = Int(seconds / Self.daySeconds) - max(delayDays, 0)
        let newest = Int(newestDay)
        var week = (frauds: 0, transactions: 0)
        var month = (frauds: 0, transactions: 0)
        guard last >= 0, newestDay != 0 else { return (week, month) }
        // Days past the newest bucket are empty; days that fell out of the ring are gone.
        var day = min(last, newest)
        let oldest = max(last - 29, newest - Self.dayCount + 1, 0)
        guard day >= oldest else { return (week, month) }
        var slot = day % Self.dayCount
        let fraudCounts = self.frauds.span
        let transactionCounts = self.transactions.span
        while day >= oldest {
            let frauds = Int(fraudCounts[slot])
            let transactions = Int(transactionCounts[slot])
            month.frauds += frauds
            month.transactions += transactions
            if day > last - 7 {
                week.frauds += frauds
                week.transactions += transactions
            }
            day -= 1
            slot = slot == 0 ? Self.dayCount - 1 : slot - 1
        }
        return (week, month)
    }

    /// `weekAndMonth`, remembered until a day it covers changes or the ring moves on.
    public mutating func cachedWeekAndMonth(
        at seconds: UInt32, delayDays: Int
    ) -> (week: (frauds: Int, transactions: Int), month: (frauds: Int, transactions: Int)) {
        let last = Int64(seconds / Self.daySeconds) - Int64(max(delayDays, 0))
        if last >= 0, last == Int64(cachedLast), Int32(clamping: delayDays) == cachedDelay {
            return ((Int(cached[0]), Int(cached[1])), (Int(cached[2]), Int(cached[3])))
        }
        let totals = weekAndMonth(at: seconds, delayDays: delayDays)
        if last >= 0, last <= Int64(Int32.max) {
            cachedLast = Int32(last)
            cachedDelay = Int32(clamping: delayDays)
            cached[0] = UInt32(clamping: totals.week.frauds)
            cached[1] = UInt32(clamping: totals.week.transactions)
            cached[2] = UInt32(clamping: totals.month.frauds)
            cached[3] = UInt32(clamping: totals.month.transactions)
        }
        return totals
    }

    /// `frauds / transactions` smoothed toward `priorRate`.
    @inline(__always)
    static func smoothed(frauds: Int, transactions: Int) -> (rate: Double, frauds: Int, transactions: Int) {
        let frauds = min(frauds, transactions)
        let rate = (Double(frauds) + priorRate * priorTransactions) / (Double(transactions) + priorTransactions)
        return (rate, frauds, transactions)
    }

    /// The smoothed fraud rate (0...1) over a window whose outcomes could be known.
    public func rate(at seconds: UInt32, delayDays: Int, windowDays: Int) -> (rate: Double, frauds: Int, transactions: Int) {
        let counts = totals(at: seconds, delayDays: delayDays, windowDays: windowDays)
        return Self.smoothed(frauds: counts.frauds, transactions: counts.transactions)
    }
}

/// A merchant's recent fraud rates at scoring time, as the factors see them.
public struct MerchantRisk: Sendable, BitwiseCopyable {
    /// Smoothed fraud rate (0...1) over the 7 days ending the outcome delay back, with its raw counts.
    public var week: (rate: Double, frauds: Int, transactions: Int)
    /// The same over 30 days.
    public var month: (rate: Double, frauds: Int, transactions: Int)

    /// No history: both rates at `MerchantOutcomes.priorRate`, no counts.
    public static let none = MerchantRisk(
        week: (MerchantOutcomes.priorRate, 0, 0), month: (MerchantOutcomes.priorRate, 0, 0))

    /// Creates a value with every field given.
    public init(week: (rate: Double, frauds: Int, transactions: Int), month: (rate: Double, frauds: Int, transactions: Int)) {
        self.week = week
        self.month = month
    }

    /// Rates from `outcomes` at `seconds`, over 7 and 30 days ending `delayDays` back.
    public init(_ outcomes: inout MerchantOutcomes, at seconds: UInt32, delayDays: Int) {
        let counts = outcomes.cachedWeekAndMonth(at: seconds, delayDays: delayDays)
        week = MerchantOutcomes.smoothed(frauds: counts.week.frauds, transactions: counts.week.transactions)
        month = MerchantOutcomes.smoothed(frauds: counts.month.frauds, transactions: counts.month.transactions)
    }
}
