/// Writes reason text as ASCII/UTF-8 bytes into caller-provided memory, without allocating.
///
/// The daemon renders reasons straight into per-connection scratch memory; `Signal.text` uses
/// the same code to make a `String`. Output past the buffer's end is cut off, never overrun.
public struct ReasonWriter {
    @usableFromInline let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    public private(set) var count = 0

    /// A writer that fills `buffer` from its start; it does not own the memory.
    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        guard count < buffer.count else { return }
        buffer[count] = value
        count += 1
    }

    /// Static text, as it is: one copy (a byte loop was a twentieth of a batch's scoring).
    public mutating func append(_ text: StaticString) {
        guard text.hasPointerRepresentation else {
            text.withUTF8Buffer { utf8 in
                for value in utf8 { byte(value) }
            }
            return
        }
        let length = min(text.utf8CodeUnitCount, buffer.count - count)
        guard length > 0 else { return }
        (buffer.baseAddress! + count).copyMemory(from: text.utf8Start, byteCount: length)
        count += length
    }

    /// A whole number with thousands separators: 9,350.
    public mutating func append(grouped value: Int) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            append(grouped: value == .min ? .max : -value)
            return
        }
        // Below a thousand, no separator and no digit buffer: most counts, distances and money.
        if value < 1_000 {
            if value >= 100 { byte(UInt8(ascii: "0") + UInt8(value / 100)) }
            if value >= 10 { byte(UInt8(ascii: "0") + UInt8(value / 10 % 10)) }
            byte(UInt8(ascii: "0") + UInt8(value % 10))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { storage in
            repeat {
                storage[length] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                length += 1
            } while rest > 0
            for index in stride(from: length - 1, through: 0, by: -1) {
                byte(storage[index])
                if index > 0, index % 3 == 0 { byte(UInt8(ascii: ",")) }
            }
        }
    }

    /// The whole part of `value` with thousands separators, as `append(grouped:)` writes it;
    /// `n/a` for a value that is not finite, and a value beyond ±9e15 written as that bound.
    ///
    /// Signals keep their values as `Double`s, and a signal read back from a file may hold
    /// anything: a reason is written for every value, never a trap on converting it.
    public mutating func append(whole value: Double) {
        guard value.isFinite else {
            append("n/a")
            return
        }
        append(grouped: Int(min(max(value, -Self.largestWritten), Self.largestWritten)))
    }

    /// The largest magnitude written as it is (well inside `Int`, and exact in a `Double`).
    static let largestWritten = 9e15

    /// A number with `fractionDigits` decimals (grouped integer part): 1,234.56.
    public mutating func append(_ value: Double, fractionDigits: Int) {
        guard value.isFinite else {
            append("n/a")
            return
        }
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        let clamped = min(max(value, -Self.largestWritten / scale), Self.largestWritten / scale)
        var scaled = Int((abs(clamped) * scale).rounded())
        if clamped < 0, scaled > 0 { byte(UInt8(ascii: "-")) }
        let unit = Int(scale)
        append(grouped: scaled / unit)
        guard fractionDigits > 0 else { return }
        byte(UInt8(ascii: "."))
        scaled %= unit
        var divisor = unit / 10
        while divisor > 0 {
            byte(UInt8(ascii: "0") + UInt8(scaled / divisor))
            scaled %= divisor
            divisor /= 10
        }
    }

    /// A number with one decimal below 10 and none above: 0.2, 8.3, 42.
    public mutating func append(compact value: Double) {
        append(value, fractionDigits: abs(value) < 10 ? 1 : 0)
    }

    /// An amount in major units with two decimals.
    public mutating func append(money value: Double) {
        append(value, fractionDigits: 2)
    }

    /// A duration given in minutes, as "45 s", "12 min", "3.5 h" or "2.0 days".
    public mutating func append(durationMinutes minutes: Double) {
        if minutes < 1 {
            append(whole: (minutes * 60).rounded())
            append(" s")
        } else if minutes < 120 {
            append(whole: minutes.rounded())
            append(" min")
        } else if minutes < 48 * 60 {
            append(minutes / 60, fractionDigits: 1)
            append(" h")
        } else {
            append(minutes / 1440, fractionDigits: 1)
            append(" days")
        }
    }

    /// A country's two letters, or `??` when unknown.
    public mutating func append(country: CountryCode) {
        if country.isUnknown {
            append("??")
        } else {
            byte(UInt8(country.rawValue >> 8))
            byte(UInt8(country.rawValue & 0xFF))
        }
    }
}

extension String {
    /// Renders text with a `ReasonWriter` into a new `String`.
    public init(reasonCapacity: Int = 192, _ render: (inout ReasonWriter) -> Void) {
        self.init(unsafeUninitializedCapacity: reasonCapacity) { buffer in
            var writer = ReasonWriter(UnsafeMutableRawBufferPointer(buffer))
            render(&writer)
            return writer.count
        }
    }
}
