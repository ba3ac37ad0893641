#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the daemon remembers about one card: 224 bytes, inline in its table.
public struct CardState: TableEntry, Sendable {
    /// The card's fingerprint.
    public private(set) var key: UInt64
    /// Event time (table seconds) the entry was created.
    public var firstSeen: UInt32
    /// Newest event time (table seconds) of a transaction or fraud report on the card; drives expiry.
    public var lastSeen: UInt32
    /// When the last transaction with a location happened (0 = never).
    public var lastLocatedAt: UInt32
    /// When confirmed fraud on this card was reported (0 = never).
    public var confirmedFraudAt: UInt32
    /// Degrees, as of `lastLocatedAt`.
    public var lastLatitude: Float
    /// Degrees, as of `lastLocatedAt`.
    public var lastLongitude: Float
    /// Transactions applied (wraps at `UInt32.max`).
    public var transactionCount: UInt32
    /// Spending profile: exponentially weighted mean and variance of ln(amount in major units).
    public var logAmountMean: Float
    /// Exponentially weighted variance of ln(amount in major units).
    public var logAmountVariance: Float
    /// Country of the latest transaction that gave one (`.unknown` until then).
    public var lastCountry: CountryCode
    /// Countries seen recently, most recent first (excluding `lastCountry`).
    public var recentCountries: InlineArray<3, CountryCode>
    /// Device fingerprints, most recent first (0 = empty) and how often each was used.
    public var devices: InlineArray<4, UInt32>
    /// How often each of `devices` was used (saturating at 255).
    public var deviceUses: InlineArray<4, UInt8>
    /// 32-bit fingerprint of the latest IP address given (0 = none yet).
    public var lastIPAddress: UInt32
    /// 32-bit fingerprint of the latest user agent given (0 = none yet).
    public var lastUserAgent: UInt32
    /// Transactions per local hour of day (saturating; halved when full).
    public var hourHistogram: InlineArray<24, UInt8>
    /// Count and spend over the last minute (`WindowWidth.minute` buckets).
    public var minuteWindow: SlidingWindow
    /// Count and spend over the last hour (`WindowWidth.hour` buckets).
    public var hourWindow: SlidingWindow
    /// Count and spend over the last 24 hours (`WindowWidth.day` buckets).
    public var dayWindow: SlidingWindow

    /// A card with no history, created at event time `firstSeen` (table seconds).
    public init(key: UInt64, firstSeen: UInt32) {
        self.key = key
        self.firstSeen = firstSeen
        self.lastSeen = firstSeen
        self.lastLocatedAt = 0
        self.confirmedFraudAt = 0
        self.lastLatitude = 0
        self.lastLongitude = 0
        self.transactionCount = 0
        self.logAmountMean = 0
        self.logAmountVariance = 0
        self.lastCountry = .unknown
        self.recentCountries = .init(repeating: .unknown)
        self.devices = .init(repeating: 0)
        self.deviceUses = .init(repeating: 0)
        self.lastIPAddress = 0
        self.lastUserAgent = 0
        self.hourHistogram = .init(repeating: 0)
        self.minuteWindow = SlidingWindow()
        self.hourWindow = SlidingWindow()
        self.dayWindow = SlidingWindow()
    }

    /// Transactions the profile's moving averages remember, roughly.
    public static let profileMemory: Float = 50

    /// Folds a transaction (already scored against the state before it) into the state;
    /// `logAmount` is ln of its amount in major units from a cent up, as scoring computed it.
    public mutating func apply(_ transaction: TransactionFeatures, localHour: Int, logAmount: Double) {
        let seconds = transaction.eventSeconds
        let amount = Float(transaction.amountMajor)
        minuteWindow.add(at: seconds, width: WindowWidth.minute, amount: amount)
        hourWindow.add(at: seconds, width: WindowWidth.hour, amount: amount)
        dayWindow.add(at: seconds, width: WindowWidth.day, amount: amount)

        let logAmount = Float(logAmount)
        transactionCount &+= 1
        if transactionCount == 1 {
            logAmountMean = logAmount
            logAmountVariance = 0
        } else {
            let alpha = 1 / min(Float(transactionCount), Self.profileMemory)
            let delta = logAmount - logAmountMean
            logAmountMean += alpha * delta
            logAmountVariance = (1 - alpha) * (logAmountVariance + alpha * delta * delta)
        }

        if transaction.hasLocation, seconds >= lastLocatedAt {
            lastLatitude = Float(transaction.latitude)
            lastLongitude = Float(transaction.longitude)
            lastLocatedAt = seconds
        }
        if !transaction.country.isUnknown, transaction.country != lastCountry {
            rememberCountry(lastCountry)
            lastCountry = transaction.country
        }
        if !transaction.device.isNone {
            rememberDevice(transaction.device.short)
        }
        if transaction.ipAddress != 0 { lastIPAddress = transaction.ipAddress }
        if transaction.userAgent != 0 { lastUserAgent = transaction.userAgent }

        if hourHistogram[localHour] == .max {
            for hour in 0..<24 { hourHistogram[hour] /= 2 }
        }
        hourHistogram[localHour] += 1
        lastSeen = max(lastSeen, seconds)
    }

    /// Whether `country` is the last one or among the recent ones.
    public func knowsCountry(_ country: CountryCode) -> Bool {
        if country == lastCountry { return true }
        for index in 0..<3 where recentCountries[index] == country { return true }
        return false
    }

    /// How often `device` was used, or `nil` when this card has not seen it recently.
    public func uses(ofDevice device: UInt32) -> Int? {
        for index in 0..<4 where devices[index] == device { return Int(deviceUses[index]) }
        return nil
    }

    /// Devices used at least twice: the card's established set.
    public var establishedDeviceCount: Int {
        var count = 0
        for index in 0..<4 where devices[index] != 0 && deviceUses[index] >= 2 { count += 1 }
        return count
    }

    /// Devices remembered, at most 4.
    public var knownDeviceCount: Int {
        var count = 0
        for index in 0..<4 where devices[index] != 0 { count += 1 }
        return count
    }

    /// Transactions seen in this local hour and its two neighbours, and in all hours.
    public func hourShare(_ hour: Int) -> (near: Int, total: Int) {
        var total = 0
        for index in 0..<24 { total += Int(hourHistogram[index]) }
        let near =
            Int(hourHistogram[(hour + 23) % 24]) + Int(hourHistogram[hour]) + Int(hourHistogram[(hour + 1) % 24])
        return (near, total)
    }

    private mutating func rememberCountry(_ country: CountryCode) {
        guard !country.isUnknown else { return }
        var carried = country
        for index in 0..<3 {
            let previous = recentCountries[index]
            recentCountries[index] = carried
            if previous == country || previous.isUnknown { return }
            carried = previous
        }
    }

    private mutating func rememberDevice(_ device: UInt32) {
        var position = 3
        var uses: UInt8 = 0
        for index in 0..<4 where devices[index] == device {
            position = index
            uses = deviceUses[index]
            break
        }
        // Move to the front; the least recently used device falls off the end.
        var index = position
        while index > 0 {
            devices[index] = devices[index - 1]
            deviceUses[index] = deviceUses[index - 1]
            index -= 1
        }
        devices[0] = device
        deviceUses[0] = uses == .max ? .max : uses + 1
    }
}
