import Foundation
import StreamifyWire
import ScoringModel

/// The standard windowed features a reference logistic regression is fitted on, computed in
/// one pass over labelled traffic in event-time order, knowing only what a deployment could:
///
/// - per card: transactions and mean amount over the last 1, 7 and 30 days (before this one);
/// - per merchant: transactions and fraud rate over 1, 7 and 30 days ending `delayDays` back,
///   frauds counted only once their report has arrived;
/// - the amount (log), weekend, night (local hour before 6, by the terminal's longitude).
///
/// This is the textbook baseline for card-fraud detection, independent of this project's
/// factors, so it measures how much the daemon's models leave on the table.
struct ReferenceFeatures {
    /// Feature names, in vector order.
    static let names = [
        "card_count_1d", "card_count_7d", "card_count_30d", "card_mean_amount_1d", "card_mean_amount_7d",
        "card_mean_amount_30d", "merchant_count_1d", "merchant_count_7d", "merchant_count_30d",
        "merchant_fraud_rate_1d", "merchant_fraud_rate_7d", "merchant_fraud_rate_30d", "amount", "weekend", "night",
    ]
    static let windowsDays = [1, 7, 30]

    private struct CardHistory {
        var times: [Int64] = []
        var amounts: [Double] = []
        var head = 0
    }

    let delayDays: Int
    private var cards: [String: CardHistory] = [:]
    /// Per merchant, transactions and reported frauds per day: the engine's own `MerchantOutcomes`.
    private var merchants: [String: MerchantOutcomes] = [:]

    init(delayDays: Int) {
        self.delayDays = max(delayDays, 0)
    }

    /// The features of `transaction`, then counts it.
    mutating func features(of transaction: Transaction) -> [Float] {
        let time = transaction.eventTimeMs
        let amount = Double(transaction.amountMinor) / 100
        var values = [Float](repeating: 0, count: Self.names.count)

        var history = cards[transaction.cardID] ?? CardHistory()
        let oldest = time - 30 * 86_400_000
        while history.head < history.times.count, history.times[history.head] <= oldest { history.head += 1 }
        if history.head > 64, history.head * 2 > history.times.count {
            history.times.removeFirst(history.head)
            history.amounts.removeFirst(history.head)
            history.head = 0
        }
        for (slot, days) in Self.windowsDays.enumerated() {
            let from = time - Int64(days) * 86_400_000
            var count = 0
            var sum = 0.0
            var index = history.times.count - 1
            while index >= history.head, history.times[index] > from {
                count += 1
                sum += history.amounts[index]
                index -= 1
            }
            values[slot] = Float(log1p(Double(count)))
            values[3 + slot] = Float(count > 0 ? log1p(sum / Double(count)) : 0)
        }
        history.times.append(time)
        history.amounts.append(amount)
        cards[transaction.cardID] = history

        let seconds = EventTime.seconds(fromUnixMs: time)
        var merchant = merchants[transaction.merchantID] ?? MerchantOutcomes()
        for (slot, days) in Self.windowsDays.enumerated() {
            let (frauds, count) = merchant.totals(at: seconds, delayDays: delayDays, windowDays: days)
            values[6 + slot] = Float(log1p(Double(count)))
            values[9 + slot] = Float(count > 0 ? Double(frauds) / Double(count) : 0)
        }
        merchant.addTransaction(at: seconds)
        merchants[transaction.merchantID] = merchant

        let day = Int(time / 86_400_000)
        values[12] = Float(log1p(amount))
        let weekday = (day + 4) % 7
        values[13] = weekday == 0 || weekday == 6 ? 1 : 0
        let offsetHours = Int(((transaction.location?.longitude ?? 0) / 15).rounded())
        let localHour = ((Int(time / 3_600_000) + offsetHours) % 24 + 24) % 24
        values[14] = localHour < 6 ? 1 : 0
        return values
    }

    /// A fraud report arrives: its transaction's day counts one more known fraud.
    mutating func report(_ feedback: Feedback) {
        guard feedback.label == .fraud, var merchant = merchants[feedback.merchantID] else { return }
        merchant.addFraud(transactionAt: EventTime.seconds(fromUnixMs: feedback.eventTimeMs))
        merchants[feedback.merchantID] = merchant
    }
}
