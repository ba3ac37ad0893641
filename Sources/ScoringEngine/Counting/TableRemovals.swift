import CoreMetrics
import ScoringModel
import Synchronization

/// `streamify_table_removals_total{table, reason}`: entries the card, device and merchant
/// tables, the outcome log and the label ledger dropped, `capacity` (evicted for room at
/// `--max-cards`, `--max-devices`, `--max-merchants`, `--max-logged-transactions`,
/// `--max-labelled-transactions`: for the outcome log, transactions never learned from) or
/// `idle` (expired past their TTL; for the outcome log, matured). The tables keep totals; each
/// `record` adds what they grew by since the last.
final class TableRemovals: Sendable {
    /// The tables counted, in the order `record` takes their totals.
    static let tables = ["cards", "devices", "merchants", "outcomes", "labelled"]
    private let counters: [(capacity: Counter, idle: Counter)] = tables.map { table in
        (
            Counter(label: "streamify_table_removals_total", dimensions: [("table", table), ("reason", "capacity")]),
            Counter(label: "streamify_table_removals_total", dimensions: [("table", table), ("reason", "idle")])
        )
    }
    /// The totals last recorded, in `tables` order.
    private let reported = Mutex([(evicted: Int, expired: Int)](repeating: (0, 0), count: tables.count))

    /// Adds what each table's totals grew by since the last call.
    func record(_ totals: [(evicted: Int, expired: Int)]) {
        precondition(totals.count == Self.tables.count, "a total for each of TableRemovals.tables")
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
