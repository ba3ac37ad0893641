import ScoringModel
import StreamifyWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deterministic, realistic-looking card population and transaction stream for benchmarks and
/// memory measurements.
///
/// - 1M cards by default, each with a home city (64 cities in 16 countries), a typical ticket
///   size, a usual payment method and 1-3 devices: a device of its own (1M of them) plus, for
///   about half the cards, one or two from a shared pool of 500k (family tablets, shop
///   terminals): about 1.5M devices in all.
/// - 50k merchants, skewed (a few big merchants see much of the traffic), each with an MCC.
/// - Amounts log-normal around the card's typical ticket; 3% of transactions away from home;
///   online transactions without a location half the time; every transaction carries a device
///   fingerprint (during warm-up a card's first transaction uses its own device, later ones its
///   shared devices, so nearly all devices appear).
///
/// Everything derives from `seed`, so two runs see the same stream.
public struct Workload: Sendable {
    public let cardCount: Int
    public let sharedDeviceCount: Int
    public let merchantCount: Int
    /// Unix ms of the first warm-up transaction.
    public let startMs: Int64
    /// Unix ms at which the warm-up ends and `transaction(_:)` streams start.
    public let liveStartMs: Int64
    /// Milliseconds between consecutive streamed transactions (the aggregate rate).
    public let liveStepMs: Int64
    let seed: UInt64

    public init(
        cards: Int = 1_000_000, sharedDevices: Int = 500_000, merchants: Int = 50_000,
        seed: UInt64 = 0x5EED_CAFE
    ) {
        self.cardCount = cards
        self.sharedDeviceCount = sharedDevices
        self.merchantCount = merchants
        self.seed = seed
        // 2026-11-01T00:00:00Z; warm-up covers the 7 days before it.
        self.liveStartMs = 1_793_491_200_000
        self.startMs = liveStartMs - 7 * 86_400_000
        self.liveStepMs = 1  // 1,000 transactions per second across the population
    }

    /// Devices in all: one per card plus the shared pool.
    public var deviceCount: Int { cardCount + sharedDeviceCount }

    // MARK: Identifiers (what a client puts on the wire)

    public func cardID(_ card: Int) -> String { "tok_" + hex(mix(UInt64(card) &+ 1, 0xC4D)) }
    public func merchantID(_ merchant: Int) -> String { "mch_" + String(100_000 + merchant) }
    public func deviceID(_ device: Int) -> String { "dfp-" + hex(mix(UInt64(device) &+ 1, 0xDE7)) }
    public func ipAddress(_ value: UInt64) -> String {
        "\(10 + value % 200).\(value >> 8 & 0xFF).\(value >> 16 & 0xFF).\(1 + value >> 24 % 254)"
    }

    // MARK: Card profiles (pure functions of the card number)

    /// Transactions the card makes during warm-up: 1 to 3.
    public func warmTransactionCount(_ card: Int) -> Int { 1 + Int(mix(UInt64(card), 0x77) % 3) }

    func devices(of card: Int) -> (count: Int, ids: (Int, Int, Int)) {
        let h = mix(UInt64(card), 0xD1)
        let count = h % 2 == 0 ? 1 : (h % 4 == 1 ? 2 : 3)
        let shared0 = cardCount + Int((h >> 8) % UInt64(max(sharedDeviceCount, 1)))
        let shared1 = cardCount + Int((h >> 32) % UInt64(max(sharedDeviceCount, 1)))
        return (count, (card, shared0, shared1))
    }

    func homeCity(of card: Int) -> Int { Int(mix(UInt64(card), 0xC1) % UInt64(Self.cities.count)) }
    func typicalAmountMinor(of card: Int) -> Double {
        var rng = Rng(mix(UInt64(card), 0xA4))
        return exp(3.4 + 0.8 * rng.gaussian()) * 100
    }
    func paymentMethod(of card: Int) -> String {
        Self.paymentMethods[Int(mix(UInt64(card), 0x9A) % UInt64(Self.paymentMethods.count))]
    }

    // MARK: Transactions

    /// The warm-up order: every card's first transaction, then the second of those that have
    /// one, then the third; cards visited in a scrambled order; times evenly spread over 7 days.
    public func warmUpCount() -> Int {
        var total = 0
        for card in 0..<cardCount { total += warmTransactionCount(card) }
        return total
    }

    /// Calls `body` with each warm-up transaction, in event-time order.
    public func forEachWarmUpTransaction(_ body: (Int, Transaction) -> Void) {
        let total = warmUpCount()
        let span = liveStartMs - startMs
        var sequence = 0
        for round in 0..<3 {
            for step in 0..<cardCount {
                let card = (step &* 999_983) % cardCount
                guard warmTransactionCount(card) > round else { continue }
                let time = startMs + span * Int64(sequence) / Int64(total)
                body(sequence, transaction(card: card, number: UInt64(sequence) | 1 << 40, timeMs: time, deviceSlot: round))
                sequence += 1
            }
        }
    }

    /// The `index`th live transaction: a uniformly random card, after the warm-up.
    public func transaction(_ index: Int) -> Transaction {
        let card = Int(mix(UInt64(index), 0x11FE) % UInt64(cardCount))
        return transaction(card: card, number: UInt64(index), timeMs: liveStartMs + Int64(index) * liveStepMs)
    }

    /// - Parameter deviceSlot: which of the card's devices to use (modulo their count); random when nil.
    public func transaction(card: Int, number: UInt64, timeMs: Int64, deviceSlot: Int? = nil) -> Transaction {
        var rng = Rng(mix(number, seed))
        let city = rng.uniform() < 0.03 ? rng.below(Self.cities.count) : homeCity(of: card)
        let (latitude, longitude, country) = Self.cities[city]
        let merchant = Int(Double(merchantCount) * pow(rng.uniform(), 3))
        let mcc = Self.mccs[merchant % Self.mccs.count]
        let channelRoll = rng.uniform()
        let channel: Transaction.Channel = channelRoll < 0.45 ? .cardPresent : (channelRoll < 0.75 ? .contactless : .online)
        let hasLocation = channel != .online || rng.uniform() < 0.5
        let deviceSet = devices(of: card)
        let device: Int
        switch deviceSlot.map({ $0 % deviceSet.count }) ?? rng.below(deviceSet.count) {
        case 0: device = deviceSet.ids.0
        case 1: device = deviceSet.ids.1
        default: device = deviceSet.ids.2
        }
        let amount = max(50, Int64(typicalAmountMinor(of: card) * exp(0.5 * rng.gaussian())))
        return Transaction(
            transactionID: "txn-" + hex(number),
            cardID: cardID(card),
            merchantID: merchantID(merchant),
            amountMinor: amount,
            currency: "USD",
            eventTimeMs: timeMs,
            location: hasLocation
                ? GeoPoint(latitude: latitude + 0.2 * (rng.uniform() - 0.5), longitude: longitude + 0.2 * (rng.uniform() - 0.5))
                : nil,
            country: country,
            deviceID: deviceID(device),
            ipAddress: channel == .online ? ipAddress(mix(UInt64(device), 0x1B)) : "",
            userAgent: channel == .online ? Self.userAgents[device % Self.userAgents.count] : "",
            merchantCategory: mcc,
            paymentMethod: paymentMethod(of: card),
            channel: channel
        )
    }

    /// The model-side features of a transaction, as the daemon would extract them from the wire.
    public static func features(_ transaction: Transaction) -> TransactionFeatures {
        TransactionFeatures(
            cardID: transaction.cardID,
            merchantID: transaction.merchantID,
            deviceID: transaction.deviceID,
            ipAddress: transaction.ipAddress,
            userAgent: transaction.userAgent,
            amountMinor: transaction.amountMinor,
            eventTimeMs: transaction.eventTimeMs,
            location: transaction.location.map { ($0.latitude, $0.longitude) },
            country: transaction.country,
            merchantCategory: transaction.merchantCategory,
            paymentMethod: transaction.paymentMethod,
            channel: TransactionChannel(rawValue: UInt8(transaction.channel.rawValue)) ?? .unspecified
        )
    }

    /// Scores every warm-up transaction into `engine`; returns how many.
    @discardableResult
    public func warm(_ engine: RiskEngine) -> Int {
        var count = 0
        forEachWarmUpTransaction { _, transaction in
            _ = engine.score(Self.features(transaction))
            count += 1
        }
        return count
    }

    // MARK: Reference data

    static let cities: [(Double, Double, String)] = [
        (40.71, -74.01, "US"), (34.05, -118.24, "US"), (41.88, -87.63, "US"), (29.76, -95.37, "US"),
        (33.45, -112.07, "US"), (39.95, -75.17, "US"), (32.72, -117.16, "US"), (37.77, -122.42, "US"),
        (47.61, -122.33, "US"), (25.76, -80.19, "US"), (42.36, -71.06, "US"), (39.74, -104.99, "US"),
        (33.75, -84.39, "US"), (36.17, -115.14, "US"), (45.52, -122.68, "US"), (30.27, -97.74, "US"),
        (43.65, -79.38, "CA"), (45.50, -73.57, "CA"), (49.28, -123.12, "CA"), (51.05, -114.07, "CA"),
        (51.51, -0.13, "GB"), (53.48, -2.24, "GB"), (55.95, -3.19, "GB"), (52.49, -1.89, "GB"),
        (48.86, 2.35, "FR"), (45.76, 4.84, "FR"), (43.30, 5.37, "FR"), (52.52, 13.40, "DE"),
        (48.14, 11.58, "DE"), (50.11, 8.68, "DE"), (53.55, 9.99, "DE"), (40.42, -3.70, "ES"),
        (41.39, 2.17, "ES"), (41.90, 12.50, "IT"), (45.46, 9.19, "IT"), (52.37, 4.90, "NL"),
        (50.85, 4.35, "BE"), (59.33, 18.07, "SE"), (55.68, 12.57, "DK"), (47.37, 8.54, "CH"),
        (35.68, 139.69, "JP"), (34.69, 135.50, "JP"), (37.57, 126.98, "KR"), (1.35, 103.82, "SG"),
        (22.32, 114.17, "HK"), (-33.87, 151.21, "AU"), (-37.81, 144.96, "AU"), (-27.47, 153.03, "AU"),
        (19.43, -99.13, "MX"), (20.67, -103.35, "MX"), (-23.55, -46.63, "BR"), (-22.91, -43.17, "BR"),
        (-34.60, -58.38, "AR"), (4.71, -74.07, "CO"), (-12.05, -77.04, "PE"), (19.08, 72.88, "IN"),
        (28.61, 77.21, "IN"), (12.97, 77.59, "IN"), (25.20, 55.27, "AE"), (-26.20, 28.05, "ZA"),
        (6.52, 3.38, "NG"), (30.04, 31.24, "EG"), (41.01, 28.98, "TR"), (50.45, 30.52, "UA"),
    ]
    static let mccs = [
        "5411", "5812", "5541", "5311", "5651", "5732", "5944", "4511", "5816", "5947",
        "4829", "6051", "7995", "6011", "5912", "4900", "7832", "7299", "5814", "5499",
    ]
    static let paymentMethods = ["credit_card", "credit_card", "debit_card", "debit_card", "wallet", "prepaid_card"]
    static let userAgents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "ShopApp/7.3.1 (Android 14; SM-S918B)",
    ]
}

// MARK: - Helpers

@inline(__always)
func mix(_ value: UInt64, _ salt: UInt64) -> UInt64 {
    Fingerprint.finalize(value &* 0x9E37_79B9_7F4A_7C15 &+ salt)
}

func hex(_ value: UInt64) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: 16 - text.count) + text
}

/// SplitMix64.
struct Rng {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Fingerprint.finalize(state)
    }
    /// In [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func gaussian() -> Double {
        let u1 = max(uniform(), 1e-12)
        let u2 = uniform()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }
}

// MARK: - Process memory

public enum ProcessMemory {
    /// A field of /proc/self/status in bytes (e.g. "VmRSS", "VmHWM"); nil where unavailable.
    public static func status(_ field: String) -> Int? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(cString: line)
            guard text.hasPrefix(field + ":") else { continue }
            let number = text.dropFirst(field.count + 1).filter(\.isNumber)
            return Int(number).map { $0 * 1024 }
        }
        return nil
    }
}
