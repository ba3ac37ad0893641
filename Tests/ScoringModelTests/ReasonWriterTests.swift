import ScoringModel
import Testing

@Suite("Reason text")
struct ReasonWriterTests {
    @Test("numbers are grouped and rounded")
    func numbers() {
        #expect(String { $0.append(grouped: 9_350) } == "9,350")
        #expect(String { $0.append(grouped: 0) } == "0")
        for value in [7, 10, 99, 100, 101, 999, 1_000, 1_001, 65_536, 999_999, 1_000_000] {
            #expect(String { $0.append(grouped: value) } == Self.withSeparators(value))
        }
        #expect(String { $0.append(grouped: -1_234_567) } == "-1,234,567")
        #expect(String { $0.append(money: 1_234.5) } == "1,234.50")
        #expect(String { $0.append(money: 0.99) } == "0.99")
        #expect(String { $0.append(compact: 0.2) } == "0.2")
        #expect(String { $0.append(compact: 42.4) } == "42")
        #expect(String { $0.append(durationMinutes: 12) } == "12 min")
        #expect(String { $0.append(durationMinutes: 0.5) } == "30 s")
        #expect(String { $0.append(durationMinutes: 180) } == "3.0 h")
        #expect(String { $0.append(.nan, fractionDigits: 1) } == "n/a")
    }

    /// `value`'s digits with a comma before each group of three from the right.
    static func withSeparators(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }

    @Test("output is cut at the buffer's end, never past it")
    func truncates() {
        var storage = [UInt8](repeating: 0xAA, count: 12)
        storage.withUnsafeMutableBytes { raw in
            var writer = ReasonWriter(UnsafeMutableRawBufferPointer(rebasing: raw[0..<8]))
            writer.append("a long reason that does not fit")
            #expect(writer.count == 8)
        }
        #expect(Array(storage[8...]) == [0xAA, 0xAA, 0xAA, 0xAA])
    }

    @Test("impossible travel reads like the evidence")
    func travelReason() {
        let signal = Signal(.travelImpossible, 1_870, 12, 9_350)
        #expect(signal.text == "1,870 km from last use 12 min ago: 9,350 km/h (impossible travel)")
    }
}

@Suite("Reasons from any values")
struct SignalValueRangeTests {
    static let extremes: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e300, 9.3e18, -9.3e18, 65_536.5, -0.5]

    @Test("every kind renders every value, out of range ones included, as printable ASCII without trapping")
    func extremeValues() {
        for raw in 0...UInt8.max {
            guard let kind = Signal.Kind(rawValue: raw) else { continue }
            for value in Self.extremes {
                for position in 0..<3 {
                    let values = (0..<3).map { $0 == position ? value : 1 }
                    let text = Signal(kind, values[0], values[1], values[2]).text
                    // Printable ASCII: no NUL, which would cut the reason where protobuf-c packs it.
                    #expect(text.utf8.allSatisfy { (0x20..<0x7F).contains($0) }, "\(kind) with \(values): \(text)")
                }
            }
        }
    }

    @Test("a value that is not a number reads n/a; one too large for the page, its bound")
    func outOfRangeText() {
        #expect(String { $0.append(whole: .nan) } == "n/a")
        #expect(String { $0.append(whole: 1e300) } == "9,000,000,000,000,000")
        #expect(String { $0.append(whole: -12.7) } == "-12")
        #expect(Signal(.countryChange, 0x4445, .nan).text == "country changed DE -> ??, not seen on this card before")
        #expect(Signal(.countryChange, 0x4445, 0x0A0A).text == "country changed DE -> ??, not seen on this card before")
        #expect(Signal(.riskyCategory, 1e12).text == "high-risk category: unknown")
        #expect(Signal(.learnedFeature, .infinity, 2).text == "learned from outcomes: unknown feature (+2.0 log-odds)")
        #expect(Signal(.travelImpossible, .nan, 12, .infinity).text == "n/a km from last use 12 min ago: n/a km/h (impossible travel)")
    }
}
