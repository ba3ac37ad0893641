import Foundation

/// JSON written by hand where a row's worth of `JSONEncoder` would cost more than the row.
enum JSONText {
    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
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
}
