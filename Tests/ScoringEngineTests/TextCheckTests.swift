import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// The text check on every string field a client sends: proto3's UTF-8, and no NUL.
@Suite("Text fields: UTF-8 without NUL")
struct TextCheckTests {
    /// What the check must say, from the standard library's own UTF-8 validation: the first
    /// fault in the text (a NUL is a fault when all before it is valid).
    static func expected(_ bytes: [UInt8]) -> TextCheck {
        let isUTF8 = { (bytes: ArraySlice<UInt8>) in String(validating: bytes, as: UTF8.self) != nil }
        if let nul = bytes.firstIndex(of: 0) { return isUTF8(bytes[..<nul]) ? .containsNUL : .invalidUTF8 }
        return isUTF8(bytes[...]) ? .valid : .invalidUTF8
    }

    static func classify(_ bytes: [UInt8]) -> TextCheck {
        bytes.withUnsafeBytes { TextCheck.classify($0) }
    }

    @Test("a NUL, a stray continuation or a truncated sequence at any position of a long ASCII run is found")
    func everyPosition() {
        let ascii = Array("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36".utf8)
        #expect(Self.classify(ascii) == .valid)
        for position in ascii.indices {
            for intruder: [UInt8] in [[0], [0x80], [0xC3], [0xE2, 0x82], [0xFF], [0xC3, 0xA9]] {
                var bytes = ascii
                bytes.replaceSubrange(position..<position + 1, with: intruder)
                #expect(Self.classify(bytes) == Self.expected(bytes), "\(intruder) at \(position)")
            }
        }
    }

    @Test("random byte strings, mostly ASCII, are classified as the standard library validates them")
    func randomStrings() {
        var random = XorShift(seed: 0x9E37_79B9_7F4A_7C15)
        func next(_ bound: Int) -> Int { random.next(bound) }
        let rare: [UInt8] = [0, 0x80, 0xBF, 0xC2, 0xC3, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xA9, 0x9F]
        for _ in 0..<20_000 {
            let length = next(40)
            let bytes = (0..<length).map { _ in
                next(24) == 0 ? rare[next(rare.count)] : UInt8(0x20 + next(0x5F))
            }
            #expect(Self.classify(bytes) == Self.expected(bytes), "\(bytes)")
        }
    }
}
