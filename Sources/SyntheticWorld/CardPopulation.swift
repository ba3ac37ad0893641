import Foundation
import StreamifyWire

/// A large card population with random access: any card's profile and any transaction of the
/// stream is a pure function of its number, so benchmarks and memory measurements can warm a
/// 1M-card table and draw from it without holding the population in memory. `TransactionStream`
/// is the labelled, sequential world; this is its unlabelled, random-access sibling, built from
/// the same cities, merchant sectors, user agents and random generator.
///
/// - 1M cards by default, each with a home city (`CityTable`), a typical ticket size, a usual
///   payment method and 1-3 devices: one of its own plus, for about half the cards, one or two
///   from a shared pool of 500k (family tablets, shop terminals).
/// - 50k merchants, skewed (a few big merchants see much of the traffic), each in a
///   `MerchantSector`.
/// - Amounts log-normal around the card's typical ticket; 3% of transactions away from home;
///   online transactions without a location half the time; every transaction carries a device
///   fingerprint (during warm-up a card's first transaction uses its own device, later ones its
///   shared devices, so nearly all devices appear).
///
/// Everything derives from `seed`, so two runs see the same stream.
public struct CardPopulation: Sendable {
    /// Cards in the population.
    public let cardCount: Int
    /// Devices in the shared pool (besides one per card).
    public let sharedDeviceCount: Int
    /// Merchants.
    public let merchantCount: Int
    /// Unix ms of the first warm-up transaction.
    public let startMs: Int64
    /// Unix ms at which the warm-up ends and `transaction(_:)` streams start.
    public let liveStartMs: Int64
    /// Milliseconds between consecutive streamed transactions (the aggregate rate).
    public let liveStepMs: Int64
    private let seed: UInt64

    /// A population of `cards` cards (the other counts scale nothing: they are what they say).
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
        self.startMs = liveStartMs - Self.warmUpDays * 86_400_000
        self.liveStepMs = 1  // 1,000 transactions per second across the population
    }

    /// Devices in all: one per card plus the shared pool.
    public var deviceCount: Int { cardCount + sharedDeviceCount }

    // MARK: Identifiers (what a client puts on the wire)

    /// The card's id.
    public func cardID(_ card: Int) -> String { "tok_" + hex(hash(card, .cardID)) }
    /// The merchant's id.
    public func merchantID(_ merchant: Int) -> String { "mch_" + String(100_000 + merchant) }
    /// The device's fingerprint.
    public func deviceID(_ device: Int) -> String { "dfp-" + hex(hash(device, .deviceID)) }

    // MARK: Card profiles (pure functions of the card number)

    /// Transactions the card makes during warm-up: 1 to 3.
    public func warmTransactionCount(_ card: Int) -> Int { 1 + Int(hash(card, .warmCount) % UInt64(Self.warmUpRounds)) }

    private func devices(of card: Int) -> [Int] {
        let h = hash(card, .devices)
        let count = h % 2 == 0 ? 1 : (h % 4 == 1 ? 2 : 3)
        let pool = UInt64(max(sharedDeviceCount, 1))
        return Array([card, cardCount + Int((h >> 8) % pool), cardCount + Int((h >> 32) % pool)].prefix(count))
    }

    private func homeCity(of card: Int) -> Int { Int(hash(card, .homeCity) % UInt64(CityTable.cities.count)) }

    private func typicalAmountMinor(of card: Int) -> Double {
        var random = SeededRandom(seed: hash(card, .amount))
        return random.logNormal(median: exp(3.4) * 100, sigma: 0.8)
    }

    private func paymentMethod(of card: Int) -> String {
        Self.paymentMethods[Int(hash(card, .method) % UInt64(Self.paymentMethods.count))]
    }

    // MARK: Transactions

    /// How many warm-up transactions there are.
    public func warmUpCount() -> Int {
        (0..<cardCount).reduce(0) { $0 + warmTransactionCount($1) }
    }

    /// Calls `body` with each warm-up transaction and its sequence number, in event-time order:
    /// every card's first transaction, then the second of those that have one, then the third;
    /// cards visited in a scrambled order; times evenly spread over the warm-up days.
    public func forEachWarmUpTransaction(_ body: (Int, Transaction) -> Void) {
        let total = warmUpCount()
        let span = liveStartMs - startMs
        var sequence = 0
        for round in 0..<Self.warmUpRounds {
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
        let card = Int(hash(index, .liveCard) % UInt64(cardCount))
        return transaction(card: card, number: UInt64(index), timeMs: liveStartMs + Int64(index) * liveStepMs)
    }

    /// Transaction `number` of `card` at `timeMs`.
    /// - Parameter deviceSlot: which of the card's devices to use (modulo their count); random when nil.
    public func transaction(card: Int, number: UInt64, timeMs: Int64, deviceSlot: Int? = nil) -> Transaction {
        var random = SeededRandom(seed: number ^ seed)
        let cities = CityTable.cities
        let city = cities[random.chance(0.03) ? random.int(0...(cities.count - 1)) : homeCity(of: card)]
        let merchant = Int(Double(merchantCount) * pow(random.unit(), 3))
        let sectors = MerchantSector.all
        let channelRoll = random.unit()
        let channel: Transaction.Channel = channelRoll < 0.45 ? .cardPresent : (channelRoll < 0.75 ? .contactless : .online)
        let hasLocation = channel != .online || random.chance(0.5)
        let devices = devices(of: card)
        let device = devices[deviceSlot.map { $0 % devices.count } ?? random.int(0...(devices.count - 1))]
        let amount = max(50, Int64(random.logNormal(median: typicalAmountMinor(of: card), sigma: 0.5)))
        return Transaction(
            transactionID: "txn-" + hex(number),
            cardID: cardID(card),
            merchantID: merchantID(merchant),
            amountMinor: amount,
            currency: "USD",
            eventTimeMs: timeMs,
            location: hasLocation
                ? GeoPoint(
                    latitude: city.latitude + random.uniform(-0.1...0.1), longitude: city.longitude + random.uniform(-0.1...0.1))
                : nil,
            country: city.country,
            deviceID: deviceID(device),
            ipAddress: channel == .online ? ipAddress(device: device) : "",
            userAgent: channel == .online ? World.userAgents[device % World.userAgents.count] : "",
            merchantCategory: sectors[merchant % sectors.count].code,
            paymentMethod: paymentMethod(of: card),
            channel: channel
        )
    }

    /// The address a device is online from.
    private func ipAddress(device: Int) -> String {
        let value = hash(device, .ipAddress)
        return "\(10 + value % 200).\(value >> 8 & 0xFF).\(value >> 16 & 0xFF).\(1 + (value >> 24) % 254)"
    }

    // MARK: Helpers

    private static let warmUpDays: Int64 = 7
    private static let warmUpRounds = 3
    private static let paymentMethods = ["credit_card", "credit_card", "debit_card", "debit_card", "wallet", "prepaid_card"]

    /// What a hash is for, so that one number's hashes for different purposes are independent.
    private enum Purpose: UInt64 {
        case cardID = 0xC4D, deviceID = 0xDE7, warmCount = 0x77, devices = 0xD1, homeCity = 0xC1, amount = 0xA4
        case method = 0x9A, liveCard = 0x11FE, ipAddress = 0x1B
    }

    private func hash(_ value: Int, _ purpose: Purpose) -> UInt64 {
        SeededRandom.mix(UInt64(truncatingIfNeeded: value) &* 0x9E37_79B9_7F4A_7C15 &+ purpose.rawValue ^ seed)
    }

    private func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
