import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StateStore
import Testing

@testable import KafkaDoor

/// A changelog value is read back by whichever instance a partition moves to, possibly another
/// build: it comes back whole, or is refused with a reason, never misread.
@Suite("Card changelog records")
struct CardChangelogRecordTests {
    static func card() -> CardState {
        var card = CardState(key: 0x0123_4567_89AB_CDEF, firstSeen: 1_000)
        card.lastSeen = 5_000
        card.transactionCount = 7
        card.lastLatitude = 40.7
        card.lastLongitude = -74.0
        card.logAmountMean = 3.5
        return card
    }

    static func assessment() -> RiskAssessment {
        var assessment = RiskAssessment()
        assessment.score = 0.82
        assessment.level = .high
        return assessment
    }

    static func bytes(of record: CardChangelogRecord) -> [UInt8] {
        var bytes: [UInt8] = [0xFF]
        record.encode(into: &bytes)
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> Result<CardChangelogRecord, CardChangelogRecord.FormatError> {
        bytes.withUnsafeBytes { buffer in Result { () throws(CardChangelogRecord.FormatError) in try CardChangelogRecord.decode(buffer) } }
    }

    static func sameBytes<T>(_ a: T, _ b: T) -> Bool {
        withUnsafeBytes(of: a) { a in withUnsafeBytes(of: b) { b in a.elementsEqual(b) } }
    }

    @Test("a record with and without its decision comes back as written")
    func roundTrip() throws {
        let plain = CardChangelogRecord(card: Self.card(), offset: 41, decision: nil)
        let plainBytes = Self.bytes(of: plain)
        #expect(plainBytes.count == MemoryLayout<CardChangelogRecord.Header>.size + MemoryLayout<CardState>.size, "encode empties first")
        let back = try Self.decode(plainBytes).get()
        #expect(back.offset == 41)
        #expect(back.decision == nil)
        #expect(Self.sameBytes(back.card, plain.card))

        let decided = CardChangelogRecord(card: Self.card(), offset: 42, decision: (Self.assessment(), "champion-v3 ✓"))
        let again = try Self.decode(Self.bytes(of: decided)).get()
        #expect(again.offset == 42)
        #expect(again.decision?.modelVersion == "champion-v3 ✓")
        #expect(again.decision.map { Self.sameBytes($0.assessment, Self.assessment()) } == true)
    }

    @Test("cut, padded, foreign or garbled values are refused with a reason")
    func refusals() {
        let plain = Self.bytes(of: CardChangelogRecord(card: Self.card(), offset: 1, decision: nil))
        let decided = Self.bytes(of: CardChangelogRecord(card: Self.card(), offset: 1, decision: (Self.assessment(), "v1")))
        let headerSize = MemoryLayout<CardChangelogRecord.Header>.size
        var otherVersion = plain
        otherVersion[0] &+= 1
        var otherLayout = plain
        otherLayout[8] ^= 0x01
        var badVersionText = decided
        badVersionText[badVersionText.count - 1] = 0xFF
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "a value of 0 bytes"),
            ("a header alone", Array(plain.prefix(headerSize)), "a value of \(headerSize) bytes"),
            ("a card cut short", Array(plain.dropLast()), "a value of \(plain.count - 1) bytes"),
            ("trailing bytes", plain + [0], "trailing bytes after the card"),
            ("another format version", otherVersion, "this build reads \(CardChangelogRecord.version)"),
            ("another state layout", otherLayout, "(layout \(String(EngineStateFormat.layout, radix: 16)))"),
            ("a decision cut short", Array(decided.prefix(plain.count + 3)), "a decision cut short"),
            ("a model version not UTF-8", badVersionText, "a model version that is not UTF-8"),
            // Journalled with the adopted card: one past the record limit stopped the daemon at every start.
            ("a model version too long", decided + Array(repeating: UInt8(ascii: "v"), count: Journal.maximumPayload),
                "at most \(RiskModel.maximumVersionBytes)"),
        ]
        let longest = String(repeating: "v", count: RiskModel.maximumVersionBytes)
        let longestBytes = Self.bytes(of: CardChangelogRecord(card: Self.card(), offset: 1, decision: (Self.assessment(), longest)))
        #expect((try? Self.decode(longestBytes).get())?.decision?.modelVersion == longest, "the longest version a model has is read")
        for (name, bytes, reason) in cases {
            switch Self.decode(bytes) {
            case .success: Issue.record("\(name): read as a record")
            case .failure(let error): #expect(error.description.contains(reason), "\(name): \(error.description)")
            }
        }
    }

    /// The header is written as its bytes: a field moved under the same version would make every
    /// record written before read wrongly (an offset taken for a layout), so its layout is pinned
    /// beside the version. Change both together.
    @Test("the header's layout is pinned to the format version")
    func headerPinned() {
        #expect(CardChangelogRecord.version == 1)
        #expect(
            recordLayout(of: CardChangelogRecord.Header.self) == [
                "Header.version @0 4 UInt32",
                "Header.hasDecision @4 4 UInt32",
                "Header.layout @8 8 UInt64",
                "Header.offset @16 8 Int64",
            ])
    }
}
