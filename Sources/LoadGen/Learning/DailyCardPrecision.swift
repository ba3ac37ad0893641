/// Card precision@k per day: each day, rank the cards by their highest score that day, take the
/// top `k`, and count those with a fraudulent transaction that day; the daily shares are averaged.
///
/// This is what an investigations team with capacity for `k` cards a day would see.
struct DailyCardPrecision {
    private struct CardDay {
        var highestScore: Float
        var fraud: Bool
    }

    let k: Int
    /// Days count from the first transaction's UTC midnight.
    private var startMs: Int64?
    /// Per day (since `startMs`), per card index.
    private var days: [[Int: CardDay]] = []

    init(k: Int) {
        precondition(k >= 1)
        self.k = k
    }

    /// Notes one scored transaction.
    mutating func add(cardIndex: Int, eventTimeMs: Int64, score: Float, fraud: Bool) {
        let startMs = self.startMs ?? (eventTimeMs - eventTimeMs % 86_400_000)
        self.startMs = startMs
        let day = Int(max(eventTimeMs - startMs, 0) / 86_400_000)
        while days.count <= day { days.append([:]) }
        let before = days[day][cardIndex]
        days[day][cardIndex] = CardDay(
            highestScore: max(before?.highestScore ?? score, score), fraud: (before?.fraud ?? false) || fraud)
    }

    /// The precision of each day's top `k` (ties broken by card index, so runs repeat); a day
    /// with fewer than `k` cards is left out.
    var dailyPrecision: [Double] {
        days.compactMap { cards in
            guard cards.count >= k else { return nil }
            let top = cards.sorted { lhs, rhs in
                lhs.value.highestScore != rhs.value.highestScore
                    ? lhs.value.highestScore > rhs.value.highestScore : lhs.key < rhs.key
            }.prefix(k)
            return Double(top.reduce(0) { $0 + ($1.value.fraud ? 1 : 0) }) / Double(k)
        }
    }

    /// The mean over days; nil when no day had `k` cards.
    var meanPrecision: Double? {
        let daily = dailyPrecision
        return daily.isEmpty ? nil : daily.reduce(0, +) / Double(daily.count)
    }
}
