import Foundation
import ScoringModel

/// The warehouse the archive fills: the seed pipeline's tables and views, on SQLite.
///
/// - `raw_transactions`: every scored transaction as received, its score, level, model
///   version, each factor's score (one column per factor), the whole breakdown (`factors`, JSON)
///   and the feature values the model read (`features`, JSON: name to value, zeros left out);
/// - `fraud_alerts`: one row per decision at or above the alert level;
/// - `labels`: every reported outcome and what the engine did with it;
/// - `analytics_results`: per minute of event time and merchant category, counts, revenue,
///   alerts and scores, kept up to date as rows arrive (late ones included);
/// - `kpi_metrics`: figures the scheduled jobs record;
/// - `lake_cursor`: the last row of each table exported to the lake (`LakeExport`);
/// - `archive_cursor`: where in the decision log the archive has read to, written in the same
///   transaction as the rows, so a restart resumes exactly there.
///
/// Views: `daily_sales_summary`, `fraud_analysis` (per day and level) and
/// `product_performance` (per category). Indexes answer by card, by merchant, by time and by level.
public enum WarehouseSchema {
    /// Bumped when the schema changes; stored as SQLite's `user_version`.
    public static let version = 1

    /// The column of `factor`'s score in `raw_transactions` and `fraud_alerts`.
    public static func scoreColumn(_ factor: RiskFactor) -> String { "\(factor.name)_score" }

    /// Every factor's score column, in factor order.
    static var factorColumns: [String] { RiskFactor.allCases.map(scoreColumn) }

    /// The analytics window, in milliseconds of event time.
    public static let windowMilliseconds: Int64 = 60_000

    /// The statements that create the warehouse where it is missing.
    static var statements: [String] {
        tables.map { "CREATE TABLE IF NOT EXISTS \($0.name) (\($0.columns))" } + indexes + viewStatements + ["PRAGMA user_version = \(version)"]
    }

    /// Each table's name and columns. The ids of the tables the lake export follows are
    /// AUTOINCREMENT: SQLite otherwise gives a new row the highest id left plus one, so after
    /// retention deleted the newest rows, ids at or below the lake's cursor came again and those
    /// rows were never exported.
    static var tables: [(name: String, columns: String)] {
        let factorDefinitions = factorColumns.map { "\($0) REAL NOT NULL" }.joined(separator: ", ")
        return [
            (
                "raw_transactions",
                """
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                transaction_id TEXT NOT NULL, card_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
                amount REAL NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
                event_time TEXT NOT NULL, event_time_ms INTEGER NOT NULL,
                latitude REAL, longitude REAL, country TEXT, device_id TEXT, ip_address TEXT,
                category TEXT, payment_method TEXT, channel INTEGER NOT NULL,
                risk_score REAL NOT NULL, risk_level TEXT NOT NULL, model_version TEXT NOT NULL,
                \(factorDefinitions), factors TEXT NOT NULL, features TEXT NOT NULL, archived_at_ms INTEGER NOT NULL
                """
            ),
            (
                "fraud_alerts",
                """
                alert_id INTEGER PRIMARY KEY AUTOINCREMENT,
                transaction_id TEXT NOT NULL, card_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
                amount REAL NOT NULL, category TEXT, country TEXT,
                event_time TEXT NOT NULL, event_time_ms INTEGER NOT NULL,
                risk_score REAL NOT NULL, risk_level TEXT NOT NULL, model_version TEXT NOT NULL,
                reasons TEXT NOT NULL, \(factorDefinitions), factors TEXT NOT NULL, archived_at_ms INTEGER NOT NULL
                """
            ),
            (
                "labels",
                """
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                transaction_id TEXT NOT NULL, card_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
                label TEXT NOT NULL, amount_minor INTEGER NOT NULL,
                event_time_ms INTEGER NOT NULL, reported_time_ms INTEGER NOT NULL, disposition TEXT NOT NULL
                """
            ),
            (
                "analytics_results",
                """
                window_start_ms INTEGER NOT NULL, window_end_ms INTEGER NOT NULL, category TEXT NOT NULL,
                transaction_count INTEGER NOT NULL, total_revenue REAL NOT NULL, alert_count INTEGER NOT NULL,
                score_sum REAL NOT NULL, max_score REAL NOT NULL,
                PRIMARY KEY (window_start_ms, category)
                """
            ),
            (
                "kpi_metrics",
                """
                id INTEGER PRIMARY KEY, metric_name TEXT NOT NULL, metric_value REAL NOT NULL,
                recorded_at_ms INTEGER NOT NULL, details TEXT
                """
            ),
            (
                "archive_cursor",
                """
                log_directory TEXT PRIMARY KEY, segment INTEGER NOT NULL, offset INTEGER NOT NULL,
                decisions INTEGER NOT NULL, labels INTEGER NOT NULL, dropped_bytes INTEGER NOT NULL
                """
            ),
            ("lake_cursor", "table_name TEXT PRIMARY KEY, last_id INTEGER NOT NULL"),
        ]
    }

    /// The indexes: by card, by merchant, by time and by level.
    static let indexes = [
        "CREATE INDEX IF NOT EXISTS raw_transactions_card ON raw_transactions (card_id, event_time_ms)",
        "CREATE INDEX IF NOT EXISTS raw_transactions_merchant ON raw_transactions (merchant_id, event_time_ms)",
        "CREATE INDEX IF NOT EXISTS raw_transactions_time ON raw_transactions (event_time_ms)",
        "CREATE INDEX IF NOT EXISTS raw_transactions_transaction ON raw_transactions (transaction_id)",
        "CREATE INDEX IF NOT EXISTS fraud_alerts_card ON fraud_alerts (card_id, event_time_ms)",
        "CREATE INDEX IF NOT EXISTS fraud_alerts_merchant ON fraud_alerts (merchant_id, event_time_ms)",
        "CREATE INDEX IF NOT EXISTS fraud_alerts_time ON fraud_alerts (event_time_ms)",
        "CREATE INDEX IF NOT EXISTS fraud_alerts_level ON fraud_alerts (risk_level, event_time_ms)",
        "CREATE INDEX IF NOT EXISTS labels_transaction ON labels (transaction_id)",
        "CREATE INDEX IF NOT EXISTS labels_card ON labels (card_id, event_time_ms)",
    ]

    /// Each view's name and query.
    static let views: [(name: String, query: String)] = [
        (
            "daily_sales_summary",
            """
            SELECT substr(event_time, 1, 10) AS day, COUNT(*) AS transactions, SUM(amount) AS revenue,
                   AVG(amount) AS avg_transaction, COUNT(DISTINCT card_id) AS cards,
                   SUM(risk_level <> 'low') AS alerts, AVG(risk_score) AS avg_score
            FROM raw_transactions GROUP BY day
            """
        ),
        (
            "fraud_analysis",
            """
            SELECT substr(event_time, 1, 10) AS day, risk_level, COUNT(*) AS alerts, AVG(risk_score) AS avg_score,
                   SUM(amount) AS amount_at_risk, COUNT(DISTINCT card_id) AS cards,
                   COUNT(DISTINCT merchant_id) AS merchants
            FROM fraud_alerts GROUP BY day, risk_level
            """
        ),
        (
            "product_performance",
            """
            SELECT COALESCE(NULLIF(category, ''), 'unknown') AS category, COUNT(*) AS transactions,
                   SUM(amount) AS revenue, AVG(amount) AS avg_transaction,
                   SUM(risk_level <> 'low') AS alerts, AVG(risk_level <> 'low') AS alert_rate
            FROM raw_transactions GROUP BY 1
            """
        ),
    ]

    /// The statements that create the views where they are missing.
    static var viewStatements: [String] { views.map { "CREATE VIEW IF NOT EXISTS \($0.name) AS \($0.query)" } }

    /// The warehouse at `path`, which must exist (the jobs never create an empty one), with
    /// what is missing of this schema created.
    public static func openExisting(path: String) throws -> SQLiteDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SQLiteError(code: 0, description: "no archive at \(path)")
        }
        let database = try SQLiteDatabase(path: path)
        try create(in: database)
        return database
    }

    /// Creates what is missing of the warehouse in `database`; refuses a newer schema.
    public static func create(in database: SQLiteDatabase) throws {
        let found = try database.rows("PRAGMA user_version").first?.first?.integer ?? 0
        guard found <= version else {
            throw SQLiteError(code: 0, description: "the archive's schema is version \(found); this build knows up to \(version)")
        }
        try database.transaction {
            for statement in statements { try database.execute(statement) }
            try addMissingColumns(in: database)
            try addAutoincrement(in: database)
        }
    }

    /// Rebuilds with AUTOINCREMENT ids each table the lake export follows that an earlier build
    /// made without (see `tables`), its rows and ids kept; its next id comes after both its
    /// highest and the lake's cursor, whatever retention deleted before. The new table is the old
    /// one's own definition, columns added since included (nullable, NULL in older rows), with
    /// AUTOINCREMENT added, so an earlier build still reads and writes it. This schema's views
    /// are made again around it; the rename is SQLite's legacy one, which leaves other views on
    /// the table (an analyst's) as they are; indexes and triggers on the table, an analyst's
    /// too, are made again on the new one.
    private static func addAutoincrement(in database: SQLiteDatabase) throws {
        var rebuilding: [(table: String, idColumn: String, rebuilt: String, definition: String)] = []
        for (table, idColumn) in LakeExport.tables {
            let sql = try database.rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)])
                .first?.first?.text ?? ""
            let rebuilt = "\(table)_autoincrement"
            guard !sql.uppercased().contains("AUTOINCREMENT"),
                let definition = autoincrementDefinition(of: sql, idColumn: idColumn, name: rebuilt)
            else { continue }
            rebuilding.append((table, idColumn, rebuilt, definition))
        }
        guard !rebuilding.isEmpty else { return }
        for view in views { try database.execute("DROP VIEW IF EXISTS \(view.name)") }
        try database.execute("PRAGMA legacy_alter_table = ON")
        defer { try? database.execute("PRAGMA legacy_alter_table = OFF") }
        for (table, idColumn, rebuilt, definition) in rebuilding {
            // Dropped with the table: made again on the new one, indexes first, as a trigger's
            // statements may lean on them.
            let attached = try database.rows(
                "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'trigger'",
                [.text(table)]
            ).compactMap { $0.first?.text }
            try database.execute(definition)
            let columns = try columnNames(of: table, in: database).map(quoted).joined(separator: ", ")
            try database.execute("INSERT INTO \(rebuilt) (\(columns)) SELECT \(columns) FROM \(table)")
            let highest = try database.rows("SELECT MAX(\(idColumn)) FROM \(table)").first?.first?.integer ?? 0
            let exported = try database.rows("SELECT last_id FROM lake_cursor WHERE table_name = ?", [.text(table)])
                .first?.first?.integer ?? 0
            try database.execute("DROP TABLE \(table)")
            try database.execute("ALTER TABLE \(rebuilt) RENAME TO \(table)")
            for statement in attached { try database.execute(statement) }
            try database.prepare("DELETE FROM sqlite_sequence WHERE name IN (?, ?)").run([.text(table), .text(rebuilt)])
            try database.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)").run([.text(table), .integer(max(highest, exported))])
        }
        for statement in indexes + viewStatements { try database.execute(statement) }
    }

    /// `sql`, a table's `CREATE TABLE` statement as SQLite keeps it, made the statement of a
    /// table `name` whose `idColumn` is AUTOINCREMENT; nil when the id column is not declared as
    /// this schema declares it (`<id> INTEGER PRIMARY KEY`), which is then left as it is.
    private static func autoincrementDefinition(of sql: String, idColumn: String, name: String) -> String? {
        let declaration = "\(idColumn) INTEGER PRIMARY KEY"
        guard let open = sql.firstIndex(of: "("), let id = sql.range(of: declaration), id.lowerBound > open else { return nil }
        return "CREATE TABLE \(name) " + sql[open..<id.lowerBound] + declaration + " AUTOINCREMENT" + sql[id.upperBound...]
    }

    /// `name` as an SQL identifier: quoted, so an analyst's column named like a keyword or with a space is copied too.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The columns of `table`, in order.
    private static func columnNames(of table: String, in database: SQLiteDatabase) throws -> [String] {
        try database.rows("PRAGMA table_info(\(table))").compactMap { $0[1].text }
    }

    /// Columns a warehouse made by an earlier build may lack: a factor added since (its score
    /// column, in both tables that have one) and the `features` column. Rows from before have
    /// NULL there: not scored by that factor, features not kept.
    static var addableColumns: [(table: String, column: String, type: String)] {
        ["raw_transactions", "fraud_alerts"].flatMap { table in factorColumns.map { (table, $0, "REAL") } }
            + [("raw_transactions", "features", "TEXT")]
    }

    /// Adds what `addableColumns` names and a table lacks: without it, a warehouse made before
    /// a factor or a column was added fails every batch.
    private static func addMissingColumns(in database: SQLiteDatabase) throws {
        var present: [String: Set<String>] = [:]
        for (table, column, type) in addableColumns {
            if present[table] == nil { present[table] = Set(try columnNames(of: table, in: database)) }
            guard !present[table]!.contains(column) else { continue }
            try database.execute("ALTER TABLE \(table) ADD COLUMN \(column) \(type)")
            present[table]!.insert(column)
        }
    }
}
