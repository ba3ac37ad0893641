import ScoringModel
import Testing

@Suite("Sliding event-time windows")
struct SlidingWindowTests {
    @Test("events within the window are counted, older ones fall out")
    func slides() {
        var window = SlidingWindow()
        for second in stride(from: UInt32(1_000), to: 1_060, by: 10) {
            window.add(at: second, width: 10, amount: 1.5)
        }
        #expect(window.totals(at: 1_059, width: 10).count == 6)
        #expect(window.totals(at: 1_059, width: 10).amount == 9)
        #expect(window.totals(at: 1_075, width: 10).count == 4)
        #expect(window.totals(at: 1_200, width: 10).count == 0)
    }

    @Test("late events land in their own bucket; too-late ones are ignored")
    func outOfOrder() {
        var window = SlidingWindow()
        window.add(at: 5_000, width: 10, amount: 1)
        window.add(at: 4_975, width: 10, amount: 1)
        window.add(at: 4_000, width: 10, amount: 1)
        #expect(window.totals(at: 5_000, width: 10).count == 2)
    }

    @Test("a jump of more than the window clears it")
    func longGap() {
        var window = SlidingWindow()
        window.add(at: 100, width: 10, amount: 3)
        window.add(at: 10_000, width: 10, amount: 4)
        #expect(window.totals(at: 10_000, width: 10).count == 1)
        #expect(window.totals(at: 10_000, width: 10).amount == 4)
    }
}
