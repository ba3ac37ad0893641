import CSQLite
import StateStore

/// An error SQLite reported, with its message.
public struct SQLiteError: Error, CustomStringConvertible {
    /// SQLite's result code.
    public var code: Int32
    /// What failed and SQLite's message.
    public var description: String

    /// Whether another connection held the database past the busy timeout: worth trying again.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
}

/// One SQLite connection: the thin layer over the C library that the archive and the admin
/// commands use. Not thread-safe: one owner at a time.
public final class SQLiteDatabase {
    let handle: OpaquePointer
    /// The database file.
    public let path: String

    /// Opens (creating, unless `readOnly`) the database at `path`, in WAL mode so readers (the
    /// admin commands, an analyst's `sqlite3`) never block the archive's writes.
    public init(path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let result = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw SQLiteError(code: result, description: "open \(path): \(message)")
        }
        self.handle = handle
        self.path = path
        sqlite3_busy_timeout(handle, 5_000)
        if !readOnly {
            // 16 KiB pages for a new file (an existing one keeps its own): a batch dirties pages
            // of the random-keyed indexes (card, merchant, transaction) all over, and every dirty
            // page is written twice (the WAL, then the checkpoint). Fewer, larger pages halve
            // those writes: 1M decisions took 19.7 CPU seconds to archive instead of 32.1, and
            // 3.3 GB of writes instead of 6.7 (docs/archive.md).
            try execute("PRAGMA page_size = \(Self.pageBytes)")
            try execute("PRAGMA journal_mode = WAL")
            // FULL: each commit's WAL frames are fsynced. The archiver deletes decision-log
            // segments right after the commit that archived them; under NORMAL a power cut could
            // roll the warehouse back to a cursor in a segment already gone (a gap). A commit is a
            // batch of up to 100k rows, so one fsync each costs little.
            try execute("PRAGMA synchronous = FULL")
            // Index pages stay cached across batches (64 MiB), and the WAL is checkpointed (and
            // fsynced) every 64 MiB rather than every 4: a batch of rows is tens of MiB.
            try execute("PRAGMA cache_size = -\(Self.cacheBytes / 1024)")
            try execute("PRAGMA wal_autocheckpoint = \(Self.checkpointBytes / Self.pageBytes)")
            // A checkpoint never shrinks the WAL file: one that grew behind a long reader (an
            // analyst's open transaction, `training-set` over the whole table) or under a large
            // `retention` delete would keep its size until the daemon stops. With a limit, the
            // next write after a complete checkpoint truncates it to this.
            try execute("PRAGMA journal_size_limit = \(Self.checkpointBytes)")
        }
    }

    /// Bytes in the database's write-ahead log file now (0 when there is none).
    public var walBytes: Int { DurableFile.size(of: path + "-wal") }

    /// The page size a new database file gets.
    static let pageBytes = 16 << 10
    /// The page cache a writing connection keeps.
    static let cacheBytes = 64 << 20
    /// How much WAL a writing connection lets grow before it checkpoints.
    static let checkpointBytes = 64 << 20

    deinit { sqlite3_close_v2(handle) }

    /// Runs `sql`, one or more statements, ignoring any rows.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error \(result)"
            sqlite3_free(message)
            throw SQLiteError(code: result, description: text)
        }
    }

    /// Rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int32 { sqlite3_changes(handle) }

    /// A prepared statement for `sql`.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else { throw error(result, "prepare \(sql.prefix(60))") }
        return SQLiteStatement(statement: statement, database: self)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The rows `sql` returns, each as its columns' values.
    public func rows(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var rows: [[SQLiteValue]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
        }
        return rows
    }

    func error(_ code: Int32, _ what: String) -> SQLiteError {
        SQLiteError(code: code, description: "\(what): \(String(cString: sqlite3_errmsg(handle)))")
    }
}

/// A value in or out of SQLite.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    /// The value as an integer, if it is a number.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        // A real past Int64's range (or not finite) is no integer; converting it would trap.
        case .real(let value): Int64(exactly: value.rounded(.towardZero))
        default: nil
        }
    }

    /// The value as a double, if it is a number.
    public var real: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }

    /// The value as text, if it is text.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}

/// A prepared statement, reset and rebound for each use.
public final class SQLiteStatement {
    let statement: OpaquePointer
    let database: SQLiteDatabase

    init(statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// Resets the statement and binds `values` to its parameters in order, to step it next.
    public func bind(_ values: [SQLiteValue]) throws {
        try bind { bindings in
            for value in values { try bindings.add(value) }
        }
    }

    /// Resets the statement and binds the parameters `bind` adds, in order, to step it next.
    public func bind(_ bind: (inout SQLiteBindings) throws -> Void) throws {
        sqlite3_reset(statement)
        var bindings = SQLiteBindings(self)
        try bind(&bindings)
    }

    /// Binds `values` to the parameters in order, runs the statement to its end and resets it.
    public func run(_ values: [SQLiteValue]) throws {
        try bind(values)
        try finish()
    }

    /// Binds the parameters `bind` adds, in order, runs the statement to its end and resets it.
    public func run(binding bind: (inout SQLiteBindings) throws -> Void) throws {
        try self.bind(bind)
        try finish()
    }

    /// Runs the bound statement to its end and resets it.
    private func finish() throws {
        while try step() {}
        sqlite3_reset(statement)
    }

    /// Steps once: true while a row is ready.
    public func step() throws -> Bool {
        let result = sqlite3_step(statement)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(result, "step")
        }
    }

    /// Columns in each row.
    public var columnCount: Int32 { sqlite3_column_count(statement) }

    /// The name of column `index` (from 0).
    public func columnName(at index: Int32) -> String {
        sqlite3_column_name(statement, index).map { String(cString: $0) } ?? "column\(index)"
    }

    /// Column `index` (from 0) of the current row.
    public func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(statement, index))
        case SQLITE_NULL: .null
        default: .text(sqlite3_column_text(statement, index).map { String(cString: $0) } ?? "")
        }
    }
}
