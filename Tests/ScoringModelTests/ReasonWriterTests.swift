import ScoringModel
import Testing

@Suite("Reason text")
struct ReasonWriterTests {
    @Test("numbers are grouped and rounded")
    func numbers() {
        #expect(String { $0.append(grouped: 9_350) } == "9,350")
        #expect(String { $0.append(grouped: 0) } == "0")
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
