import ScoringModel
import StreamifyWire
import Testing
@testable import ScoringEngine

/// The input ledger keeps card states adopted from a changelog per card while their offsets are
/// past what the state holds whole, lets them go as the partition is taken in past them, and
/// writes and reads them back, reading a ledger written before they were kept as well.
@Suite("Input ledger")
struct InputLedgerTests {
    static let sales = InputPartition(name: "sales", partition: 0)
    static let refusal = InputOutcome.refused(WireError(code: .invalidArgument, message: "amount", field: "amount_minor"))

    @Test("adopted cards are kept per card, past what is applied whole, until the partition passes them")
    func adoptedCardsAreKeptPerCard() {
        let ledger = InputLedger()
        ledger.adopt(1, at: InputPosition(Self.sales, offset: 7), Self.refusal)
        ledger.adopt(2, at: InputPosition(Self.sales, offset: 4), nil)
        ledger.adopt(1, at: InputPosition(Self.sales, offset: 5), nil)  // an older record, read later
        #expect(ledger.appliedThrough(Self.sales) == -1, "adopting one card takes in no other card's messages")
        #expect(ledger.adoptedAhead(Self.sales) == [1: 7, 2: 4])
        #expect(ledger.outcome(at: InputPosition(Self.sales, offset: 7)) != nil)

        ledger.record(InputPosition(Self.sales, offset: 4), nil)
        #expect(ledger.appliedThrough(Self.sales) == 4)
        #expect(ledger.adoptedAhead(Self.sales) == [1: 7])
        ledger.adopt(3, at: InputPosition(Self.sales, offset: 2), nil)  // at or below what is applied whole
        #expect(ledger.adoptedAhead(Self.sales) == [1: 7])
        ledger.record(InputPosition(Self.sales, offset: 8), nil)
        #expect(ledger.adoptedAhead(Self.sales).isEmpty)
    }

    @Test("a written ledger reads back with its adopted cards; one written before they were kept reads too")
    func writesAndReadsAdoptedCards() throws {
        let ledger = InputLedger()
        let labels = InputPartition(name: "labels", partition: 3)
        ledger.record(InputPosition(Self.sales, offset: 10), Self.refusal)
        ledger.adopt(9, at: InputPosition(Self.sales, offset: 12), nil)
        ledger.adopt(8, at: InputPosition(labels, offset: 1), nil)
        var writer = StateWriter()
        ledger.write(to: &writer)
        let written = writer.finish()

        let read = InputLedger()
        var reader = StateReader(written)
        try read.restore(from: &reader)
        #expect(reader.remaining == 0)
        #expect(read.appliedThrough(Self.sales) == 10)
        #expect(read.outcome(at: InputPosition(Self.sales, offset: 10)) != nil)
        #expect(read.adoptedAhead(Self.sales) == [9: 12])
        #expect(read.adoptedAhead(labels) == [8: 1])
        var again = StateWriter()
        read.write(to: &again)
        #expect(again.finish() == written, "equal ledgers write equal bytes")

        // The layout before adopted cards were kept: the partitions alone.
        let older = InputLedger()
        older.record(InputPosition(Self.sales, offset: 10), Self.refusal)
        var olderWriter = StateWriter()
        older.write(to: &olderWriter)
        let olderBytes = Array(olderWriter.finish().dropLast(MemoryLayout<UInt64>.size))  // no adopted-card count
        let fromOlder = InputLedger()
        var olderReader = StateReader(olderBytes)
        try fromOlder.restore(from: &olderReader)
        #expect(fromOlder.appliedThrough(Self.sales) == 10)
        #expect(fromOlder.adoptedAhead(Self.sales).isEmpty)
    }
}
