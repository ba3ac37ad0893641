import Foundation
import StreamifyWire

/// JSON written by hand where a row's worth of `JSONEncoder` would cost more than the row.
enum JSONText {
    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }

    /// Appends `text` as a JSON string literal to `out`: in one piece when nothing needs escaping
    /// (the common case: ids and generated reasons), escaped byte by byte otherwise.
    static func appendQuoted(_ text: String, to out: inout String) {
        out.append("\"")
        if !text.utf8.contains(where: JSONBuffer.needsEscape) {
            out.append(text)
        } else {
            var escaped: [UInt8] = []
            JSONBuffer.escape(text.utf8) { escaped.append($0) }
            out.append(String(decoding: escaped, as: UTF8.self))
        }
        out.append("\"")
    }

    /// `value` as a JSON value: numbers as numbers (non-finite ones as null), text quoted.
    static func value(_ value: SQLiteValue) -> String {
        switch value {
        case .integer(let number): String(number)
        case .real(let number): number.isFinite ? String(number) : "null"
        case .text(let text): quoted(text)
        case .null: "null"
        }
    }

    /// The current row of `statement` as one JSON Lines line: `{"column":value,...}` and a newline.
    /// Columns in `rawColumns` already hold JSON text and are written as it (null when empty).
    static func line(of statement: SQLiteStatement, rawColumns: Set<String> = []) -> String {
        var line = "{"
        for index in 0..<statement.columnCount {
            let name = statement.columnName(at: index)
            let value = statement.value(at: index)
            if index > 0 { line.append(",") }
            appendQuoted(name, to: &line)
            line.append(":")
            line.append(rawColumns.contains(name) ? (value.text ?? "null") : Self.value(value))
        }
        line.append("}\n")
        return line
    }
}
