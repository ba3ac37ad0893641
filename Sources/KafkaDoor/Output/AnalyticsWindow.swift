import ScoringEngine
import ScoringModel
import StreamifyWire

/// Accumulates one window of scored transactions for the merchant-analytics record.
struct AnalyticsWindow {
    private struct Tally {
        var transactions = 0
        var revenueMinor: Int64 = 0

        mutating func add(_ amountMinor: Int64) {
            transactions += 1
            revenueMinor &+= amountMinor
        }
    }

    /// What a breakdown tallies values under once it holds `maximumDistinct` others.
    static let otherValue = "other"

    let startMs: Int64
    /// Distinct values each breakdown (categories, merchants, payment methods, devices,
    /// countries) tracks; a value first seen beyond that is tallied as `otherValue`.
    let maximumDistinct: Int
    /// Values tallied as `otherValue` for want of room, in every breakdown.
    private(set) var folded = 0
    private var transactions = 0
    private var revenueMinor: Int64 = 0
    /// Distinct cards: exact up to `DistinctCount.exactLimit`, estimated beyond.
    private(set) var cards = DistinctCount()
    private var categories: [String: Tally] = [:]
    private var merchants: [String: Tally] = [:]
    private var paymentMethods: [String: Int] = [:]
    private var devices: [String: Int] = [:]
    private var countries: [String: Int] = [:]
    private var levels = CaseCounts<RiskLevel>()
    private var alerts = 0
    private var deadLettered = 0

    /// An empty window from `startMs`, each breakdown tracking `maximumDistinct` values at most
    /// (at least 1): input carrying a new merchant id in every message must not grow a window
    /// without bound.
    init(startMs: Int64, maximumDistinct: Int = KafkaDoorConfiguration.defaultAnalyticsMaximumDistinct) {
        self.startMs = startMs
        self.maximumDistinct = max(maximumDistinct, 1)
    }

    var isEmpty: Bool { transactions == 0 && deadLettered == 0 }

    mutating func add(
        amountMinor: Int64, card: UInt64, category: String, merchant: String, paymentMethod: String,
        device: String, country: String, level: RiskLevel, alerted: Bool
    ) {
        transactions += 1
        revenueMinor &+= amountMinor
        cards.insert(card)
        categories[key(category.isEmpty ? "unknown" : category, in: categories), default: Tally()].add(amountMinor)
        merchants[key(merchant, in: merchants), default: Tally()].add(amountMinor)
        paymentMethods[key(paymentMethod.isEmpty ? "unknown" : paymentMethod, in: paymentMethods), default: 0] += 1
        devices[key(device.isEmpty ? "unknown" : device, in: devices), default: 0] += 1
        countries[key(country.isEmpty ? "unknown" : country, in: countries), default: 0] += 1
        levels[level] += 1
        if alerted { alerts += 1 }
    }

    mutating func addDeadLetter() { deadLettered += 1 }

    /// The key `value` is tallied under in `breakdown`: itself while the breakdown holds it or
    /// has room, `otherValue` (counted in `folded`) beyond `maximumDistinct`.
    private mutating func key<Tallied>(_ value: String, in breakdown: [String: Tallied]) -> String {
        if breakdown[value] != nil || breakdown.count < maximumDistinct { return value }
        folded += 1
        return Self.otherValue
    }

    /// The record for this window, closed at `endMs`.
    func record(endMs: Int64) -> MerchantAnalyticsRecord {
        let count = Double(max(transactions, 1))
        func top(_ tallies: [String: Tally]) -> [MerchantAnalyticsRecord.Entry] {
            tallies.sorted { $0.value.revenueMinor != $1.value.revenueMinor ? $0.value.revenueMinor > $1.value.revenueMinor : $0.key < $1.key }
                .prefix(10)
                .map { .init(name: $0.key, transactions: $0.value.transactions, revenue: Double($0.value.revenueMinor) / 100) }
        }
        func shares(_ counts: [String: Int]) -> [String: Double] {
            counts.mapValues { Double($0) / count }
        }
        let minutes = Double(max(endMs - startMs, 1)) / 60_000
        return MerchantAnalyticsRecord(
            windowStart: ISO8601Timestamp.format(startMs),
            windowEnd: ISO8601Timestamp.format(endMs),
            windowStartMs: startMs,
            windowEndMs: endMs,
            transactions: transactions,
            revenue: Double(revenueMinor) / 100,
            averageAmount: transactions == 0 ? 0 : Double(revenueMinor) / 100 / Double(transactions),
            uniqueCards: cards.count,
            uniqueCardsEstimated: cards.isEstimate,
            topCategories: top(categories),
            topMerchants: top(merchants),
            paymentMethods: shares(paymentMethods),
            devices: shares(devices),
            countries: shares(countries),
            alertsByLevel: Dictionary(uniqueKeysWithValues: RiskLevel.allCases.map { ($0.name, levels[$0]) }),
            alertRate: transactions == 0 ? 0 : Double(alerts) / Double(transactions),
            transactionsPerMinute: Double(transactions) / minutes,
            deadLettered: deadLettered
        )
    }
}
