import CoreMetrics
import ScoringModel
import Synchronization

/// `streamify_table_removals_total{table, reason}`: entries the card, device and merchant
/// tables dropped, `capacity` (evicted for room at `--max-cards`, `--max-devices`,
/// `--max-merchants`) or `idle` (expired past their TTL). The tables keep totals; each
/// `record` adds what they grew by since the last.
final class TableRemovals: Sendable {
    private static let tables = ["cards", "devices", "merchants"]
    private let counters: [(capacity: Counter, idle: Counter)] = tables.map { table in
        (
            Counter(label: "streamify_table_removals_total", dimensions: [("table", table), ("reason", "capacity")]),
            Counter(label: "streamify_table_removals_total", dimensions: [("table", table), ("reason", "idle")])
        )
    }
    /// The totals last recorded, in `tables` order.
    private let reported = Mutex([(evicted: Int, expired: Int)](repeating: (0, 0), count: tables.count))

    /// Adds what each table's totals grew by since the last call.
    func record(cards: (evicted: Int, expired: Int), devices: (evicted: Int, expired: Int), merchants: (evicted: Int, expired: Int)) {
        let totals = [cards, devices, merchants]
        reported.withLock { reported in
            for (index, total) in totals.enumerated() {
                // Totals only grow; `max` keeps a counter from ever being handed a negative step.
                counters[index].capacity.increment(by: max(total.evicted - reported[index].evicted, 0))
                counters[index].idle.increment(by: max(total.expired - reported[index].expired, 0))
                reported[index] = total
            }
        }
    }
}
