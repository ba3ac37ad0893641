import CZlib
import Foundation

/// The lake export, for when one machine is outgrown: the warehouse's rows as gzip-compressed
/// JSON Lines, partitioned by the hour of their event time, which DuckDB, Spark and Snowflake
/// read as they are (`read_json_auto('lake/raw_transactions/**/*.jsonl.gz', hive_partitioning = true)`,
/// `spark.read.json(...)`, a Snowflake stage with `TYPE = JSON COMPRESSION = GZIP`).
///
/// Layout: `<lake>/<table>/year=YYYY/month=MM/day=DD/hour=HH/part-<first id>-<last id>.jsonl.gz`.
/// Each run exports the rows added since the last (`lake_cursor`), writes each file under a
/// temporary name and renames it, then moves the cursor: a run cut short leaves whole files, and
/// the next run writes the same names again. Run it before `retention` deletes what it has not
/// exported.
public struct LakeExport {
    /// The tables exported, with their row id column.
    public static let tables = [("raw_transactions", "id"), ("fraud_alerts", "alert_id"), ("labels", "id")]
    /// Columns holding JSON text, written into each line as JSON rather than as a string.
    static let jsonColumns: Set<String> = ["factors", "features"]

    /// The warehouse.
    public let database: SQLiteDatabase
    /// The lake's root directory.
    public let directory: String

    /// An export of the warehouse at `databasePath` into `directory`.
    public init(databasePath: String, directory: String) throws {
        database = try WarehouseSchema.openExisting(path: databasePath)
        self.directory = directory
    }

    /// What one run wrote for one table.
    public struct Exported: Sendable {
        public var table: String
        public var rows = 0
        public var files: [String] = []
    }

    /// Exports every row added since the last run, `batchRows` at a time; what was written.
    public func exportNew(batchRows: Int = 100_000) throws -> [Exported] {
        try Self.tables.map { table, idColumn in
            var exported = Exported(table: table)
            while true {
                let batch = try exportBatch(table: table, idColumn: idColumn, limit: batchRows)
                guard batch.rows > 0 else { break }
                exported.rows += batch.rows
                exported.files += batch.files
            }
            return exported
        }
    }

    private func exportBatch(table: String, idColumn: String, limit: Int) throws -> Exported {
        let last = try database.rows("SELECT last_id FROM lake_cursor WHERE table_name = ?", [.text(table)]).first?.first?.integer ?? 0
        let statement = try database.prepare("SELECT * FROM \(table) WHERE \(idColumn) > ? ORDER BY \(idColumn) LIMIT ?")
        try statement.bind([.integer(last), .integer(Int64(limit))])
        let names = (0..<statement.columnCount).map { statement.columnName(at: $0) }
        guard let idIndex = names.firstIndex(of: idColumn), let timeIndex = names.firstIndex(of: "event_time_ms") else {
            throw SQLiteError(code: 0, description: "\(table) lacks \(idColumn) or event_time_ms")
        }
        // Lines by hour of event time, in id order.
        var hours: [Int64: (first: Int64, last: Int64, lines: [String])] = [:]
        var highest = last
        var rows = 0
        while try statement.step() {
            let id = statement.value(at: Int32(idIndex)).integer ?? 0
            let hour = (statement.value(at: Int32(timeIndex)).integer ?? 0) / 3_600_000
            let line = JSONText.line(of: statement, rawColumns: Self.jsonColumns)
            hours[hour, default: (id, id, [])].lines.append(line)
            hours[hour]!.last = id
            highest = max(highest, id)
            rows += 1
        }
        guard rows > 0 else { return Exported(table: table) }
        var files: [String] = []
        for (hour, part) in hours.sorted(by: { $0.key < $1.key }) {
            files.append(try write(part.lines, table: table, hour: hour, first: part.first, last: part.last))
        }
        try database.prepare(
            "INSERT INTO lake_cursor (table_name, last_id) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET last_id = excluded.last_id"
        ).run([.text(table), .integer(highest)])
        return Exported(table: table, rows: rows, files: files)
    }

    /// Writes `lines` gzip-compressed as one part file of `table`'s partition for `hour`.
    private func write(_ lines: [String], table: String, hour: Int64, first: Int64, last: Int64) throws -> String {
        var seconds = time_t(hour * 3600)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let partition = String(
            format: "%@/%@/year=%04d/month=%02d/day=%02d/hour=%02d", directory, table, parts.tm_year + 1900, parts.tm_mon + 1,
            parts.tm_mday, parts.tm_hour)
        try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
        let path = "\(partition)/part-\(first)-\(last).jsonl.gz"
        let temporary = "\(partition)/.part-\(first)-\(last).jsonl.gz.tmp"
        guard let file = gzopen(temporary, "wb6") else { throw SQLiteError(code: 0, description: "cannot create \(temporary)") }
        var written = true
        for line in lines {
            var line = line
            line.withUTF8 { bytes in
                if bytes.count > 0, gzwrite(file, bytes.baseAddress, UInt32(bytes.count)) != Int32(bytes.count) { written = false }
            }
        }
        guard gzclose(file) == Z_OK, written else {
            unlink(temporary)
            throw SQLiteError(code: 0, description: "cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SQLiteError(code: 0, description: "cannot rename \(temporary) to \(path): \(reason)")
        }
        return path
    }
}
