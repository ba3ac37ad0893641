import Foundation

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
        if !text.utf8.contains(where: needsEscape) {
            out.append(text)
        } else {
            var escaped: [UInt8] = []
            escape(text.utf8) { escaped.append($0) }
            out.append(String(decoding: escaped, as: UTF8.self))
        }
        out.append("\"")
    }

    /// Writes `utf8` escaped for the inside of a JSON string literal to `sink`, byte by byte:
    /// quote, backslash and control characters escaped, all else (multi-byte characters too) as it is.
    @inline(__always)
    static func escape<Bytes: Sequence<UInt8>>(_ utf8: Bytes, to sink: (UInt8) -> Void) {
        let hex: StaticString = "0123456789abcdef"
        for byte in utf8 {
            guard needsEscape(byte) else {
                sink(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                sink(UInt8(ascii: "\\"))
                sink(byte)
            case UInt8(ascii: "\n"):
                sink(UInt8(ascii: "\\"))
                sink(UInt8(ascii: "n"))
            default:
                for character in "\\u00".utf8 { sink(character) }
                sink(hex.utf8Start[Int(byte >> 4)])
                sink(hex.utf8Start[Int(byte & 0xF)])
            }
        }
    }

    /// Whether `byte` must be escaped inside a JSON string literal: a quote, a backslash or a
    /// control character.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20
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
