import Foundation
import Testing
import SyntheticWorld
@testable import StreamifyWire

@Suite struct SalesJSONScannerTests {
    private func minor(_ text: String) -> Int64? {
        Array(text.utf8).withUnsafeBytes { SalesJSONScanner.minorUnits($0) }
    }

    @Test func convertsDecimalAmountsExactly() {
        #expect(minor("129.99") == 12_999)
        #expect(minor("0.1") == 10)
        #expect(minor("7") == 700)
        #expect(minor("19.995") == 2000)
        #expect(minor("19.994") == 1999)
        #expect(minor("-3.5") == -350)
        #expect(minor("1e3") == nil)
        #expect(minor("12.") == nil)
        #expect(minor("abc") == nil)
    }

    @Test func agreesWithJSONDecoderOnProducerOutput() throws {
        var stream = TransactionStream(configuration: WorldConfiguration(seed: 9, cardCount: 50, merchantCount: 50))
        for original in stream.nextTransactions(200) {
            let bytes = Array(SalesEventJSON.encode(original).utf8)
            let fast = try #require(bytes.withUnsafeBytes { SalesJSONScanner.scan($0) })
            let slow = try JSONDecoder().decode(SalesEventJSON.self, from: Data(bytes))
            #expect(try fast.transaction() == slow.transaction())
        }
    }

    @Test func fallsBackOnWhatItDoesNotHandle() throws {
        let escaped = #"{"user_id": "c\"1", "product_id": "p", "amount": 5, "timestamp": "2024-01-15T10:30:00"}"#
        #expect(Array(escaped.utf8).withUnsafeBytes { SalesJSONScanner.scan($0) } == nil)
        let event = try Array(escaped.utf8).withUnsafeBytes { try SalesEventJSON.decode($0) }
        #expect(try event.transaction().cardID == "c\"1")
        let extra = #"{"user_id": 17, "product_id": "p", "amount": "2.50", "tags": [1, {"a": null}], "ok": true, "timestamp": "2024-01-15T10:30:00Z"}"#
        let scanned = try #require(Array(extra.utf8).withUnsafeBytes { SalesJSONScanner.scan($0) })
        let transaction = try scanned.transaction()
        #expect(transaction.cardID == "17" && transaction.amountMinor == 250)
        for broken in [#"{"user_id": "a""#, #"{"user_id" "a"}"#, #"{"amount": 1} trailing"#] {
            #expect(Array(broken.utf8).withUnsafeBytes { SalesJSONScanner.scan($0) } == nil)
        }
    }

    /// An unknown value nested deeper than the scanner skips goes to `JSONDecoder`; a message of
    /// 400,000 brackets is refused as malformed (it once overflowed the stack, a poison pill
    /// that crashed the daemon on every restart).
    @Test func deepNestingIsRefusedNotACrash() throws {
        func event(nesting: Int) -> [UInt8] {
            Array((#"{"user_id": "c1", "product_id": "p", "amount": 5, "timestamp": "2024-01-15T10:30:00Z", "x": "#
                + String(repeating: "[", count: nesting) + String(repeating: "]", count: nesting) + "}").utf8)
        }
        let shallow = event(nesting: SalesJSONScanner.maximumSkippedDepth)
        #expect(shallow.withUnsafeBytes { SalesJSONScanner.scan($0) }?.userID == "c1")
        let deeper = event(nesting: SalesJSONScanner.maximumSkippedDepth + 1)
        #expect(deeper.withUnsafeBytes { SalesJSONScanner.scan($0) } == nil)
        #expect(try deeper.withUnsafeBytes { try SalesEventJSON.decode($0) }.userID == "c1")
        let hostile = event(nesting: 400_000)
        #expect(hostile.withUnsafeBytes { SalesJSONScanner.scan($0) } == nil)
        #expect(throws: WireError.self) { try hostile.withUnsafeBytes { try SalesEventJSON.decode($0) } }
    }

    /// A string that is not UTF-8 is not decoded with replacement characters (two such user ids
    /// would be one card): the scanner leaves it to JSONDecoder, which refuses it.
    @Test func invalidUTF8IsRefused() {
        let bytes = Array(#"{"user_id": "c"#.utf8) + [0xFF, 0xFE] + Array(#"", "product_id": "p", "amount": 5, "timestamp": "2024-01-15T10:30:00Z"}"#.utf8)
        #expect(bytes.withUnsafeBytes { SalesJSONScanner.scan($0) } == nil)
        #expect(throws: WireError.self) { try bytes.withUnsafeBytes { try SalesEventJSON.decode($0) } }
    }
}
