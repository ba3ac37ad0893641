import ScoringModel

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
    private var levels = [Int](repeating: 0, count: 5)
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
        levels[Int(level.rawValue)] += 1
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
            windowStart: Self.iso8601(startMs),
            windowEnd: Self.iso8601(endMs),
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
            alertsByLevel: Dictionary(uniqueKeysWithValues: RiskLevel.allCases.map { ($0.name, levels[Int($0.rawValue)]) }),
            alertRate: transactions == 0 ? 0 : Double(alerts) / Double(transactions),
            transactionsPerMinute: Double(transactions) / minutes,
            deadLettered: deadLettered
        )
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for Unix epoch milliseconds.
    static func iso8601(_ unixMs: Int64) -> String {
        let seconds = Int(unixMs.floorDivided(by: 1000))
        let millis = Int(unixMs - Int64(seconds) * 1000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}

extension BinaryInteger {
    fileprivate func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
