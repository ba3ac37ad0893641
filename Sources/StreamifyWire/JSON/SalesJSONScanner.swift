#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fast, allocation-light reader for the common shape of the sales JSON.
///
/// It handles objects of plain strings (no escapes), numbers, booleans, nulls and the nested
/// `location` object, and skips unknown keys. On anything else it returns `nil` and the caller
/// falls back to `JSONDecoder`, which also produces the error messages; so it never decides
/// that a value is invalid on its own.
struct SalesJSONScanner {
    private let b: UnsafeRawBufferPointer
    private var i = 0

    private init(_ bytes: UnsafeRawBufferPointer) { b = bytes }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> SalesEventJSON? {
        var scanner = SalesJSONScanner(bytes)
        var event = SalesEventJSON()
        guard scanner.object({ key, scanner in scanner.field(key, into: &event) }) else { return nil }
        scanner.skipWhitespace()
        return scanner.i == scanner.b.count ? event : nil
    }

    // MARK: - Fields

    private mutating func field(_ key: UnsafeRawBufferPointer, into event: inout SalesEventJSON) -> Bool {
        switch Key(key) {
        case .transactionID: return identifier(&event.transactionID)
        case .userID: return identifier(&event.userID)
        case .merchantID: return identifier(&event.merchantID)
        case .productID: return identifier(&event.productID)
        case .productCategory: return text(&event.productCategory)
        case .currency: return text(&event.currency)
        case .paymentMethod: return text(&event.paymentMethod)
        case .status: return text(&event.status)
        case .timestamp: return text(&event.timestamp)
        case .deviceType: return text(&event.deviceType)
        case .deviceID: return identifier(&event.deviceID)
        case .browser: return text(&event.browser)
        case .ipAddress: return text(&event.ipAddress)
        case .sessionID: return identifier(&event.sessionID)
        case .amount:
            skipWhitespace()
            if peek == UInt8(ascii: "\"") {
                guard let range = stringRange(), let minor = Self.minorUnits(slice(range)) else { return false }
                event.amountMinor = minor
                return true
            }
            if isNull() { return true }
            guard let range = numberRange(), let minor = Self.minorUnits(slice(range)) else { return false }
            event.amountMinor = minor
            return true
        case .location:
            skipWhitespace()
            if isNull() { return true }
            var location = SalesEventJSON.Location()
            let ok = object { key, scanner in
                switch Key(key) {
                case .country: return scanner.text(&location.country)
                case .state: return scanner.text(&location.state)
                case .city: return scanner.text(&location.city)
                case .latitude: return scanner.double(&location.latitude)
                case .longitude: return scanner.double(&location.longitude)
                default: return scanner.skipValue()
                }
            }
            event.location = location
            return ok
        default:
            return skipValue()
        }
    }

    private enum Key {
        case transactionID, userID, merchantID, productID, productCategory, amount, currency, paymentMethod, status
        case timestamp, location, deviceType, deviceID, browser, ipAddress, sessionID
        case country, state, city, latitude, longitude, other

        private static let table: [(StaticString, Key)] = [
                ("transaction_id", .transactionID), ("user_id", .userID), ("merchant_id", .merchantID),
                ("product_id", .productID), ("product_category", .productCategory), ("amount", .amount),
                ("currency", .currency), ("payment_method", .paymentMethod), ("status", .status),
                ("timestamp", .timestamp), ("location", .location), ("device_type", .deviceType),
                ("device_id", .deviceID), ("browser", .browser), ("ip_address", .ipAddress), ("session_id", .sessionID),
                ("country", .country), ("state", .state), ("city", .city), ("latitude", .latitude),
                ("longitude", .longitude),
            ]

        init(_ key: UnsafeRawBufferPointer) {
            for (name, value) in Self.table where name.utf8CodeUnitCount == key.count {
                if memcmp(name.utf8Start, key.baseAddress!, key.count) == 0 {
                    self = value
                    return
                }
            }
            self = .other
        }
    }

    // MARK: - Values

    private mutating func text(_ target: inout String?) -> Bool {
        skipWhitespace()
        if isNull() { return true }
        // Invalid UTF-8 goes to JSONDecoder, which refuses it: decoded here it would become
        // U+FFFD, and distinct ids would collapse into one card.
        guard let range = stringRange(), let text = String(validating: slice(range), as: UTF8.self) else { return false }
        target = text
        return true
    }

    /// A string, or an integer written as one (producers send ids both ways).
    private mutating func identifier(_ target: inout String?) -> Bool {
        skipWhitespace()
        if peek == UInt8(ascii: "\"") || isNullAhead { return text(&target) }
        guard let range = numberRange() else { return false }
        let digits = slice(range)
        guard digits.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) }) else { return false }
        target = String(decoding: digits, as: UTF8.self)
        return true
    }

    private mutating func double(_ target: inout Double?) -> Bool {
        skipWhitespace()
        if isNull() { return true }
        guard let range = numberRange(), let value = Double(String(decoding: slice(range), as: UTF8.self)) else {
            return false
        }
        target = value
        return true
    }

    /// Parses `{ "key": value, ... }`, calling `member` positioned at each value.
    private mutating func object(_ member: (UnsafeRawBufferPointer, inout SalesJSONScanner) -> Bool) -> Bool {
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let keyRange = stringRange() else { return false }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return false }
            guard member(slice(keyRange), &self) else { return false }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}"))
        }
    }

    /// Arrays and objects an unknown value may nest before the scanner gives up and leaves it to
    /// `JSONDecoder`, which bounds nesting itself. Skipping recurses once a level, and a message
    /// of a megabyte of brackets would otherwise overflow the worker thread's stack.
    static let maximumSkippedDepth = 32

    private mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < Self.maximumSkippedDepth else { return false }
        skipWhitespace()
        guard let first = peek else { return false }
        switch first {
        case UInt8(ascii: "\""): return stringRange() != nil
        case UInt8(ascii: "{"): return object { _, scanner in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            i += 1
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                return consume(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return numberRange() != nil
        }
    }

    /// The bytes of a string without escapes (escapes make the caller fall back).
    private mutating func stringRange() -> Range<Int>? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < b.count {
            let byte = b[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return start..<(i - 1)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func numberRange() -> Range<Int>? {
        let start = i
        while i < b.count {
            switch b[i] {
            case 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                i += 1
            default:
                return i > start ? start..<i : nil
            }
        }
        return i > start ? start..<i : nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count, memcmp(word.utf8Start, b.baseAddress! + i, count) == 0 else { return false }
        i += count
        return true
    }

    private var isNullAhead: Bool {
        i + 4 <= b.count && b[i] == UInt8(ascii: "n") && b[i + 1] == UInt8(ascii: "u")
    }

    private mutating func isNull() -> Bool { isNullAhead ? literal("null") : false }

    private var peek: UInt8? { i < b.count ? b[i] : nil }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard i < b.count, b[i] == byte else { return false }
        i += 1
        return true
    }

    private mutating func skipWhitespace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: b[range])
    }

    /// Exact decimal major units (`-12.345`, no exponent) to minor units, rounding half away
    /// from zero at the third decimal; `nil` for anything else (the fallback decides).
    static func minorUnits(_ text: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var whole: Int64 = 0
        var digits = 0
        while index < text.count, text[index] >= 0x30, text[index] <= 0x39 {
            whole = whole * 10 + Int64(text[index] - 0x30)
            digits += 1
            index += 1
            if digits > 15 { return nil }
        }
        guard digits > 0 else { return nil }
        var fraction: Int64 = 0
        var roundUp = false
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            var position = 0
            let start = index
            while index < text.count, text[index] >= 0x30, text[index] <= 0x39 {
                let digit = Int64(text[index] - 0x30)
                if position < 2 { fraction = fraction * 10 + digit } else if position == 2 { roundUp = digit >= 5 }
                position += 1
                index += 1
            }
            guard index > start else { return nil }
            if position == 1 { fraction *= 10 }
        }
        guard index == text.count else { return nil }
        let minor = whole * 100 + fraction + (roundUp ? 1 : 0)
        return negative ? -minor : minor
    }
}
