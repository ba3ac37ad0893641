import Foundation
import StateStore

/// The seed pipeline's scheduled batch jobs, on the warehouse: what `streamify-admin` runs and
/// any scheduler (cron, systemd timers, Airflow) calls.
///
/// The figures' time windows are in event time, ending at the newest archived transaction (or a
/// given instant): a replayed or backfilled archive gives the same answers as a live one. The
/// operational checks' windows (`health`'s silence and loss window, `qualityChecks`' window) are
/// wall-clock: they ask how the archive is doing now.
public struct WarehouseJobs {
    /// The warehouse.
    public let database: SQLiteDatabase

    /// Jobs on the warehouse at `path`, opened read-write (retention deletes; reports record KPIs).
    public init(path: String) throws {
        database = try WarehouseSchema.openExisting(path: path)
    }

    /// The newest event time archived (ms), or nil when the archive is empty.
    public func newestEventTime() throws -> Int64? {
        try database.rows("SELECT MAX(event_time_ms) FROM raw_transactions").first?.first?.integer
    }

    // MARK: - health

    /// What `health` found.
    public struct Health: Sendable {
        /// Schema version, rows, decisions and labels archived, bytes of log not yet archived.
        public var schemaVersion: Int
        public var transactions: Int
        public var alerts: Int
        public var archivedDecisions: Int
        public var archivedLabels: Int
        /// Bytes of decision log the archive could not read, in all.
        public var droppedBytes: Int
        /// Of those, the bytes dropped within the loss window before the check.
        public var droppedRecently: Int
        public var backlogBytes: Int?
        /// Wall-clock ms since the last row reached the warehouse; nil when empty.
        public var sinceLastArchiveMs: Int64?
        /// What is wrong; empty when healthy.
        public var problems: [String]
    }

    /// Checks the warehouse: readable, of this schema, with a decision log not too far behind
    /// (`maximumBacklogBytes`), rows arriving within `maximumSilenceMs` when given, and no log
    /// bytes dropped within `lossWindowMs` before `nowMs`. Records the bytes dropped in all in
    /// `kpi_metrics` (`archive_dropped_bytes`) when it changed, so a loss fails the checks of one
    /// window, a scheduler's retry included, and not every check after it: a check failing for
    /// good would hold back the export and retention behind it for good. The first check counts
    /// every byte dropped before it as recent.
    public func health(
        logDirectory: String?, maximumBacklogBytes: Int, maximumSilenceMs: Int64?, lossWindowMs: Int64 = 3_600_000, nowMs: Int64
    ) throws -> Health {
        let version = Int(try database.rows("PRAGMA user_version").first?.first?.integer ?? 0)
        let counts = try database.rows("SELECT (SELECT COUNT(*) FROM raw_transactions), (SELECT COUNT(*) FROM fraud_alerts)")[0]
        let last = try database.rows("SELECT MAX(archived_at_ms) FROM raw_transactions").first?.first?.integer
        var health = Health(
            schemaVersion: version, transactions: Int(counts[0].integer ?? 0), alerts: Int(counts[1].integer ?? 0),
            archivedDecisions: 0, archivedLabels: 0, droppedBytes: 0, droppedRecently: 0, backlogBytes: nil,
            sinceLastArchiveMs: last.map { nowMs - $0 }, problems: [])
        let logDirectory = logDirectory.map(DurableFile.canonicalPath)
        let cursor = try Archiver.savedCursor(in: database, logDirectory: logDirectory)
        if let lane = cursor.lanes.keys.min() {
            health.archivedDecisions = cursor.decisions
            health.archivedLabels = cursor.labels
            health.droppedBytes = cursor.droppedBytes
            let directory = logDirectory ?? JournalLanes.log(containing: lane)
            if FileManager.default.fileExists(atPath: directory) {
                health.backlogBytes = try Archiver.backlog(in: directory, after: cursor)
            }
        }
        if version != WarehouseSchema.version { health.problems.append("schema version \(version), expected \(WarehouseSchema.version)") }
        if let backlog = health.backlogBytes, backlog > maximumBacklogBytes {
            health.problems.append("the archive is \(backlog) bytes of decision log behind (limit \(maximumBacklogBytes))")
        }
        if let silence = maximumSilenceMs, let since = health.sinceLastArchiveMs, since > silence {
            health.problems.append("nothing archived for \(since / 1000) s (limit \(silence / 1000) s)")
        }
        try recordIfChanged(Self.droppedBytesMetric, Double(health.droppedBytes), details: "health", nowMs: nowMs)
        // More than now: the cursor was reset since (a new decision log); count them all.
        let before = try recorded(Self.droppedBytesMetric, asOf: nowMs - lossWindowMs).map { Int($0) }
            .map { $0 <= health.droppedBytes ? $0 : 0 } ?? 0
        health.droppedRecently = health.droppedBytes - before
        if health.droppedRecently > 0 {
            health.problems.append(
                "\(health.droppedRecently) bytes of decision log could not be archived within \(lossWindowMs / 1000) s "
                    + "(\(health.droppedBytes) in all)")
        }
        return health
    }

    /// The `kpi_metrics` name under which `health` records the bytes dropped in all.
    static let droppedBytesMetric = "archive_dropped_bytes"
    /// The `kpi_metrics` name under which a windowed `qualityChecks` records the highest row id it saw.
    static let checkedThroughMetric = "quality_checked_through_id"

    // MARK: - report

    /// One day's figures: the daily summary, alerts by level, labels, top categories.
    public struct DailyReport: Sendable {
        public var day: String
        public var transactions: Int
        public var revenue: Double
        public var averageTransaction: Double
        public var cards: Int
        public var alertsByLevel: [String: Int]
        public var labels: [String: Int]
        public var topCategories: [(category: String, transactions: Int, revenue: Double)]
    }

    /// The report of `day` (YYYY-MM-DD, UTC, by event time); its figures are also recorded in `kpi_metrics`.
    public func report(day: String, nowMs: Int64) throws -> DailyReport {
        let summary = try database.rows(
            "SELECT transactions, revenue, avg_transaction, cards FROM daily_sales_summary WHERE day = ?", [.text(day)]
        ).first
        var report = DailyReport(
            day: day, transactions: Int(summary?[0].integer ?? 0), revenue: summary?[1].real ?? 0,
            averageTransaction: summary?[2].real ?? 0, cards: Int(summary?[3].integer ?? 0), alertsByLevel: [:], labels: [:],
            topCategories: [])
        for row in try database.rows("SELECT risk_level, alerts FROM fraud_analysis WHERE day = ?", [.text(day)]) {
            report.alertsByLevel[row[0].text ?? "?"] = Int(row[1].integer ?? 0)
        }
        let (start, end) = try Self.dayBounds(day)
        for row in try database.rows(
            "SELECT label, COUNT(*) FROM labels WHERE event_time_ms >= ? AND event_time_ms < ? GROUP BY label",
            [.integer(start), .integer(end)])
        {
            report.labels[row[0].text ?? "?"] = Int(row[1].integer ?? 0)
        }
        report.topCategories = try database.rows(
            """
            SELECT COALESCE(category, 'unknown'), COUNT(*), SUM(amount) FROM raw_transactions
            WHERE event_time_ms >= ? AND event_time_ms < ? GROUP BY 1 ORDER BY 2 DESC LIMIT 5
            """, [.integer(start), .integer(end)]
        ).map { ($0[0].text ?? "?", Int($0[1].integer ?? 0), $0[2].real ?? 0) }
        let alerts = report.alertsByLevel.values.reduce(0, +)
        try record(
            [
                ("daily_transactions", Double(report.transactions)), ("daily_revenue", report.revenue),
                ("daily_alerts", Double(alerts)),
                ("daily_alert_rate", report.transactions > 0 ? Double(alerts) / Double(report.transactions) : 0),
            ], details: day, nowMs: nowMs)
        return report
    }

    // MARK: - quality-check

    /// One data-quality check and how many rows fail it.
    public struct QualityCheck: Sendable {
        public var name: String
        public var failures: Int
        public var detail: String
    }

    /// The seed's checks: missing ids, non-positive amounts, duplicate transaction ids, and
    /// freshness (the newest event no older than `maximumAgeMs` before `nowMs`, when given).
    ///
    /// Without `windowMs` the row checks look at the whole warehouse. With it, at the rows added
    /// since the newest windowed check that ran at least `windowMs` before `nowMs` (each records
    /// the highest transaction row id in `kpi_metrics` as `quality_checked_through_id`; before
    /// the first, every row), a duplicate being such a row repeating an earlier row's transaction
    /// id. So a defect fails the checks of about one window, a scheduler's retry included, and
    /// not every check until retention deletes it, which would hold back what runs behind the
    /// check; and checks that did not run (a failing step before them) leave no row unchecked.
    public func qualityChecks(maximumAgeMs: Int64?, windowMs: Int64? = nil, nowMs: Int64) throws -> [QualityCheck] {
        let highest = try database.rows("SELECT MAX(id) FROM raw_transactions").first?.first?.integer ?? 0
        // Ids are never given out twice (`WarehouseSchema.tables`), so the bound holds even after
        // retention deleted the rows at it.
        let after = try windowMs.flatMap { try recorded(Self.checkedThroughMetric, asOf: nowMs - $0) }.map { Int64($0) } ?? 0
        func count(_ condition: String) throws -> Int {
            Int(try database.rows("SELECT COUNT(*) FROM raw_transactions r WHERE r.id > ? AND (\(condition))", [.integer(after)])
                .first?.first?.integer ?? 0)
        }
        var checks = [
            QualityCheck(
                name: "missing_ids", failures: try count("r.transaction_id = '' OR r.card_id = '' OR r.merchant_id = ''"),
                detail: "transactions with an empty transaction, card or merchant id"),
            QualityCheck(
                name: "non_positive_amounts", failures: try count("r.amount_minor <= 0"),
                detail: "transactions with an amount of zero or less"),
            QualityCheck(
                name: "duplicate_transactions",
                failures: try count(
                    "r.transaction_id <> '' AND EXISTS (SELECT 1 FROM raw_transactions o WHERE o.transaction_id = r.transaction_id AND o.id < r.id)"
                ),
                detail: "rows repeating a transaction id already archived (a client resent it)"),
        ]
        if let maximumAgeMs {
            let newest = try newestEventTime()
            let stale = newest.map { nowMs - $0 > maximumAgeMs } ?? true
            checks.append(
                QualityCheck(
                    name: "freshness", failures: stale ? 1 : 0,
                    detail: newest.map { "newest event \(Archiver.isoTime($0)), at most \(maximumAgeMs / 1000) s old allowed" }
                        ?? "no transactions archived"))
        }
        if windowMs != nil { try recordIfChanged(Self.checkedThroughMetric, Double(highest), details: "quality-check", nowMs: nowMs) }
        return checks
    }

    // MARK: - monitor

    /// Fraud monitoring over one window of event time.
    public struct Monitor: Sendable {
        public var windowStartMs: Int64
        public var windowEndMs: Int64
        public var transactions: Int
        public var alertsByLevel: [String: Int]
        public var averageScore: Double
        /// The factors most often first in alerts' reasons, with counts.
        public var topReasons: [(factor: String, alerts: Int)]
        /// From event time to the warehouse, for the window's alerts (ms): p50 and p99.
        public var alertLatencyP50Ms: Int64?
        public var alertLatencyP99Ms: Int64?
    }

    /// Monitors the `windowMs` of event time ending at `endMs` (default: the newest archived
    /// event); records its figures in `kpi_metrics`.
    public func monitor(windowMs: Int64, endMs: Int64?, nowMs: Int64) throws -> Monitor {
        let end = try endMs ?? newestEventTime().map { $0 + 1 } ?? nowMs
        let start = end - windowMs
        let bounds: [SQLiteValue] = [.integer(start), .integer(end)]
        let totals = try database.rows(
            "SELECT COUNT(*), COALESCE(AVG(risk_score), 0) FROM raw_transactions WHERE event_time_ms >= ? AND event_time_ms < ?", bounds)[0]
        var monitor = Monitor(
            windowStartMs: start, windowEndMs: end, transactions: Int(totals[0].integer ?? 0), alertsByLevel: [:],
            averageScore: totals[1].real ?? 0, topReasons: [])
        for row in try database.rows(
            "SELECT risk_level, COUNT(*) FROM fraud_alerts WHERE event_time_ms >= ? AND event_time_ms < ? GROUP BY 1", bounds)
        {
            monitor.alertsByLevel[row[0].text ?? "?"] = Int(row[1].integer ?? 0)
        }
        monitor.topReasons = try database.rows(
            """
            SELECT substr(reasons, 1, instr(reasons || ':', ':') - 1) AS factor, COUNT(*) FROM fraud_alerts
            WHERE event_time_ms >= ? AND event_time_ms < ? AND reasons <> '' GROUP BY 1 ORDER BY 2 DESC LIMIT 5
            """, bounds
        ).map { ($0[0].text ?? "?", Int($0[1].integer ?? 0)) }
        let latencies = try database.rows(
            "SELECT archived_at_ms - event_time_ms FROM fraud_alerts WHERE event_time_ms >= ? AND event_time_ms < ? ORDER BY 1", bounds
        ).compactMap { $0.first?.integer }
        if !latencies.isEmpty {
            monitor.alertLatencyP50Ms = latencies[(latencies.count - 1) / 2]
            monitor.alertLatencyP99Ms = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        }
        try record(
            [
                ("monitor_critical_alerts", Double(monitor.alertsByLevel["critical"] ?? 0)),
                ("monitor_average_score", monitor.averageScore), ("monitor_transactions", Double(monitor.transactions)),
            ], details: "\(Archiver.isoTime(start))/\(Archiver.isoTime(end))", nowMs: nowMs)
        return monitor
    }

    // MARK: - retention

    /// What `retention` deleted.
    public struct Retention: Sendable {
        public var transactions: Int
        public var alerts: Int
        public var windows: Int
    }

    /// Deletes transactions (and their analytics windows) older than `rawMs`, and alerts older
    /// than `alertsMs`, before the newest archived event (or `nowMs` when empty).
    public func retention(rawMs: Int64, alertsMs: Int64, nowMs: Int64) throws -> Retention {
        let end = try newestEventTime() ?? nowMs
        return try database.transaction {
            let statement = try database.prepare("DELETE FROM raw_transactions WHERE event_time_ms < ?")
            try statement.run([.integer(end - rawMs)])
            let transactions = Int(database.changes)
            try database.prepare("DELETE FROM analytics_results WHERE window_end_ms <= ?").run([.integer(end - rawMs)])
            let windows = Int(database.changes)
            try database.prepare("DELETE FROM fraud_alerts WHERE event_time_ms < ?").run([.integer(end - alertsMs)])
            let alerts = Int(database.changes)
            return Retention(transactions: transactions, alerts: alerts, windows: windows)
        }
    }

    // MARK: - training set

    /// The fields of each training row, as `loadgen train --columns` names them from this file:
    /// `card=card_id,merchant=merchant_id,amount=amount,time=event_time,label=is_fraud,...`.
    public static let trainingColumns = [
        "transaction_id", "card_id", "merchant_id", "amount", "currency", "event_time", "latitude", "longitude", "country",
        "device_id", "ip_address", "category", "payment_method",
    ]

    /// Writes every archived transaction, in event-time order, with `is_fraud` (1 when a fraud
    /// label arrived for it, else 0) as JSON lines to `path`: the deployment's own labelled
    /// history, for `loadgen train --input`. Returns the rows and frauds written.
    public func trainingSet(to path: String) throws -> (rows: Int, frauds: Int) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw SQLiteError(code: 0, description: "cannot create \(path)")
        }
        defer { try? file.close() }
        let statement = try database.prepare(
            """
            SELECT \(Self.trainingColumns.map { "r." + $0 }.joined(separator: ", ")),
                EXISTS (SELECT 1 FROM labels l WHERE l.transaction_id = r.transaction_id AND l.label = 'fraud') AS is_fraud
            FROM raw_transactions r ORDER BY r.event_time_ms, r.id
            """)
        var rows = 0
        var frauds = 0
        var chunk = ""
        while try statement.step() {
            chunk.append(JSONText.line(of: statement))
            rows += 1
            if statement.value(at: statement.columnCount - 1).integer == 1 { frauds += 1 }
            if chunk.utf8.count > 1 << 20 {
                try file.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try file.write(contentsOf: Data(chunk.utf8))
        return (rows, frauds)
    }

    /// The value of `metric` in `kpi_metrics` as last recorded at or before `ms`; nil before the first.
    private func recorded(_ metric: String, asOf ms: Int64) throws -> Double? {
        try database.rows(
            "SELECT metric_value FROM kpi_metrics WHERE metric_name = ? AND recorded_at_ms <= ? ORDER BY recorded_at_ms DESC, id DESC LIMIT 1",
            [.text(metric), .integer(ms)]
        ).first?.first?.real
    }

    /// Records `value` of `metric` in `kpi_metrics` at `nowMs` unless it is the value recorded last:
    /// for a running total read back with `recorded(_:asOf:)`, one row per change.
    private func recordIfChanged(_ metric: String, _ value: Double, details: String, nowMs: Int64) throws {
        if try recorded(metric, asOf: nowMs) != value { try record([(metric, value)], details: details, nowMs: nowMs) }
    }

    /// Records `figures` in `kpi_metrics` at `nowMs`.
    private func record(_ figures: [(String, Double)], details: String, nowMs: Int64) throws {
        let insert = try database.prepare("INSERT INTO kpi_metrics (metric_name, metric_value, recorded_at_ms, details) VALUES (?, ?, ?, ?)")
        try database.transaction {
            for (name, value) in figures { try insert.run([.text(name), .real(value), .integer(nowMs), .text(details)]) }
        }
    }

    /// Midnight UTC of `day` and of the day after, in ms.
    static func dayBounds(_ day: String) throws -> (Int64, Int64) {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, day.count == 10, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
            throw SQLiteError(code: 0, description: "a day is YYYY-MM-DD, got '\(day)'")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            throw SQLiteError(code: 0, description: "no such day: \(day)")
        }
        let start = Int64(date.timeIntervalSince1970 * 1000)
        return (start, start + 86_400_000)
    }
}
