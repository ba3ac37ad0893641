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

    let startMs: Int64
    private var transactions = 0
    private var revenueMinor: Int64 = 0
    private var cards = Set<UInt64>()
    private var categories: [String: Tally] = [:]
    private var merchants: [String: Tally] = [:]
    private var paymentMethods: [String: Int] = [:]
    private var devices: [String: Int] = [:]
    private var countries: [String: Int] = [:]
    private var levels = CaseCounts<RiskLevel>()
    private var alerts = 0
    private var deadLettered = 0

    init(startMs: Int64) {
        self.startMs = startMs
    }

    var isEmpty: Bool { transactions == 0 && deadLettered == 0 }

    mutating func add(
        amountMinor: Int64, card: UInt64, category: String, merchant: String, paymentMethod: String,
        device: String, country: String, level: RiskLevel, alerted: Bool
    ) {
        transactions += 1
        revenueMinor &+= amountMinor
        cards.insert(card)
        categories[category.isEmpty ? "unknown" : category, default: Tally()].add(amountMinor)
        merchants[merchant, default: Tally()].add(amountMinor)
        paymentMethods[paymentMethod.isEmpty ? "unknown" : paymentMethod, default: 0] += 1
        devices[device.isEmpty ? "unknown" : device, default: 0] += 1
        countries[country.isEmpty ? "unknown" : country, default: 0] += 1
        levels[level] += 1
        if alerted { alerts += 1 }
    }

    mutating func addDeadLetter() { deadLettered += 1 }

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
