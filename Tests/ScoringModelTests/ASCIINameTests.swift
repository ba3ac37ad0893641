import ScoringTestSupport
import Testing

@testable import ScoringModel

/// Category and payment-method names: read as a plain comparison of their letters and digits
/// would read them, through one table probe.
@Suite("Free-text names")
struct ASCIINameTests {
    static let entries: [([StaticString], Int)] = [
        (["gift card", "gift cards", "giftcard"], 1),
        (["crypto", "cryptocurrency"], 2),
        (["wire", "wire_transfer"], 3),
        (["crypto"], 4),
        (["abcdefghijklmnopqrstuvwxyz012345"], 5),
    ]

    /// Whether `bytes` and `name` are equal once both keep only their ASCII letters (lower-cased)
    /// and digits: the comparison the table's keys stand for, one byte at a time.
    static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { expected in
            var i = 0
            var j = 0
            while true {
                while i < bytes.count, ASCIIName.normalized(bytes[i]) == nil { i += 1 }
                while j < expected.count, ASCIIName.normalized(expected[j]) == nil { j += 1 }
                if i == bytes.count || j == expected.count {
                    return i == bytes.count && j == expected.count
                }
                if ASCIIName.normalized(bytes[i]) != ASCIIName.normalized(expected[j]) { return false }
                i += 1
                j += 1
            }
        }
    }

    /// The first entry one of whose names `text` matches, in order: what the table stands for.
    static func scan(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { utf8 in
            for (names, value) in entries {
                for name in names where matches(UnsafeRawBufferPointer(utf8), name) { return value }
            }
            return nil
        }
    }

    static func lookup(_ table: ASCIIName.Table<Int>, _ text: String) -> Int? {
        var text = text
        return text.withUTF8 { table.value(for: UnsafeRawBufferPointer($0)) }
    }

    @Test("the table answers as a scan of its names in order would")
    func tableMatchesScan() {
        let table = ASCIIName.Table(Self.entries)
        let alphabet = Array("abcgiftwrecypto_ -GIFTCRYPTO0123é\u{0}")
        var inputs = [
            "", "gift card", "GIFT-CARDS", "Gift_Card", "giftcards", "crypto", "Crypto!", "wire transfer",
            "WIRE", "wir", "cryptocurrencyx", "abcdefghijklmnopqrstuvwxyz012345",
            "ABC-defghijklmnopqrstuvwxyz 012345", "abcdefghijklmnopqrstuvwxyz0123456", "é", "-- --",
        ]
        var random = XorShift(seed: 7)
        for _ in 0..<5_000 {
            let length = random.next(20)
            inputs.append(String((0..<length).map { _ in alphabet[random.next(alphabet.count)] }))
        }
        for input in inputs {
            #expect(Self.lookup(table, input) == Self.scan(input), "\(input)")
        }
    }

    @Test("categories and methods read from names and codes in any spelling")
    func categoriesAndMethods() {
        #expect(MerchantCategory("Gift Cards") == .giftCards)
        #expect(MerchantCategory("gift_card") == .giftCards)
        #expect(MerchantCategory("5411") == .grocery)
        #expect(MerchantCategory("CRYPTO exchange") == .crypto)
        #expect(MerchantCategory("") == .unknown)
        #expect(MerchantCategory("a category no one has heard of, longer than any name") == .unknown)
        #expect(PaymentMethod("Debit Card") == .debitCard)
        #expect(PaymentMethod("buy-now-pay-later") == .buyNowPayLater)
        #expect(PaymentMethod("cheque") == .unknown)
    }
}
