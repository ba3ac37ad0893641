import CSQLite

/// A statement's parameters, bound in order as they are added: a row goes in without building
/// an array of `SQLiteValue`s first. Made by `SQLiteStatement.run(binding:)`.
public struct SQLiteBindings: ~Copyable {
    private let statement: SQLiteStatement
    /// The next parameter's index (SQLite counts from 1).
    private var next: Int32 = 1

    init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    private mutating func advance(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw statement.database.error(result, "bind parameter \(next)") }
        next += 1
    }

    /// Binds an integer.
    public mutating func add(_ value: Int64) throws {
        try advance(sqlite3_bind_int64(statement.statement, next, value))
    }

    /// Binds a real.
    public mutating func add(_ value: Double) throws {
        try advance(sqlite3_bind_double(statement.statement, next, value))
    }

    /// Binds text (copied by SQLite).
    public mutating func add(_ text: String) throws {
        var text = text
        try text.withUTF8 { try add(utf8: $0) }
    }

    /// Binds text, or NULL when it is empty.
    public mutating func add(orNull text: String) throws {
        if text.isEmpty { try addNull() } else { try add(text) }
    }

    /// Binds UTF-8 bytes as text (copied by SQLite).
    public mutating func add(utf8 bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try add(utf8: $0) }
    }

    private mutating func add(utf8: UnsafeBufferPointer<UInt8>) throws {
        let result = utf8.withMemoryRebound(to: CChar.self) {
            sqlite3_bind_text(statement.statement, next, $0.baseAddress, Int32($0.count), streamify_sqlite_transient())
        }
        try advance(result)
    }

    /// Binds NULL.
    public mutating func addNull() throws {
        try advance(sqlite3_bind_null(statement.statement, next))
    }

    /// Binds `value`.
    public mutating func add(_ value: SQLiteValue) throws {
        switch value {
        case .integer(let number): try add(number)
        case .real(let number): try add(number)
        case .text(let text): try add(text)
        case .null: try addNull()
        }
    }
}
