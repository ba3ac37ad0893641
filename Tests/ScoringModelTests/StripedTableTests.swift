import Dispatch
import ScoringModel
import Testing

@Suite("Lock-striped state tables")
struct StripedTableTests {
    @Test("concurrent writers to one card lose no update")
    func noLostUpdateOnOneCard() {
        let engine = RiskEngine()
        let writers = 8
        let perWriter = 2_000
        let start = TransactionScript.start
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for index in 0..<perWriter {
                _ = engine.score(
                    TransactionScript.transaction(
                        card: "hot-card", merchant: "merchant-\(writer)", amountMinor: 100,
                        at: start + Int64(writer * perWriter + index)))
            }
        }
        let state = try! #require(engine.cards.snapshot(EntityKey("hot-card")))
        #expect(state.transactionCount == UInt32(writers * perWriter))
        let seconds = EventTime.seconds(fromUnixMs: start + Int64(writers * perWriter))
        #expect(state.dayWindow.totals(at: seconds, width: WindowWidth.day).count == writers * perWriter)
        #expect(state.hourWindow.totals(at: seconds, width: WindowWidth.hour).count == writers * perWriter)
    }

    @Test("concurrent writers across many cards keep every card's count")
    func noLostUpdateAcrossCards() {
        let engine = RiskEngine()
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            for index in 0..<5_000 {
                _ = engine.score(
                    TransactionScript.transaction(card: "card-\(index % 500)", at: TransactionScript.start + Int64(index * 4 + writer)))
            }
        }
        #expect(engine.cardsTracked == 500)
        for card in 0..<500 {
            #expect(engine.cards.snapshot(EntityKey("card-\(card)"))?.transactionCount == 40)
        }
    }

    @Test("capacity evicts the least recently seen entries")
    func capacityEviction() {
        let table = StripedTable<CardState>(stripeCount: 4, capacity: 400, idleSeconds: .max)
        for index in 0..<2_000 {
            table.update(EntityKey("card-\(index)"), at: UInt32(index)) { card, _ in card.lastSeen = UInt32(index) }
        }
        #expect(table.count <= 400)
        #expect(table.count >= 396)
        #expect(table.evictionCounts.evicted >= 1_600)
        // The most recent cards survive sampled-LRU eviction far more often than the oldest.
        let recent = (1_900..<2_000).filter { table.snapshot(EntityKey("card-\($0)")) != nil }.count
        let oldest = (0..<100).filter { table.snapshot(EntityKey("card-\($0)")) != nil }.count
        #expect(recent > 80)
        #expect(oldest < 5)
    }

    @Test("idle entries expire on event time")
    func idleExpiry() {
        let table = StripedTable<CardState>(stripeCount: 2, capacity: 10_000, idleSeconds: 3_600)
        for index in 0..<100 {
            table.update(EntityKey("old-\(index)"), at: 1_000) { _, _ in }
        }
        for index in 0..<100 {
            table.update(EntityKey("new-\(index)"), at: 10_000) { _, _ in }
        }
        table.expireIdle()
        #expect(table.count == 100)
        #expect(table.snapshot(EntityKey("old-5")) == nil)
        #expect(table.snapshot(EntityKey("new-5")) != nil)
    }

    @Test("expiry judges an entry by its last touch, through the moves that removals make")
    func expiryFollowsTouches() {
        let table = StripedTable<CardState>(stripeCount: 2, capacity: 10_000, idleSeconds: 3_600)
        let key = { (index: Int) in EntityKey("card-\(index)") }
        for index in 0..<200 {
            table.update(key(index), at: 1_000) { card, _ in card.lastSeen = 1_000 }
        }
        // The even ones are used again later; the odd ones go idle.
        for index in stride(from: 0, to: 200, by: 2) {
            table.update(key(index), at: 10_000) { card, _ in card.lastSeen = 10_000 }
        }
        #expect(table.expireIdle() == 100)
        #expect((0..<200).allSatisfy { (table.snapshot(key($0)) != nil) == $0.isMultiple(of: 2) })
        // Removals moved entries about; touches still land on the right ones.
        for index in stride(from: 0, to: 200, by: 4) {
            table.update(key(index), at: 20_000) { card, _ in card.lastSeen = 20_000 }
        }
        #expect(table.expireIdle() == 50)
        #expect((0..<200).allSatisfy { (table.snapshot(key($0)) != nil) == $0.isMultiple(of: 4) })
    }

    @Test("entries survive growth, removal and reinsertion with their contents")
    func growthKeepsContents() {
        let table = StripedTable<CardState>(stripeCount: 1, capacity: 100_000, idleSeconds: 100)
        for index in 0..<20_000 {
            table.update(EntityKey("card-\(index)"), at: 50) { card, isNew in
                #expect(isNew)
                card.transactionCount = UInt32(index)
            }
        }
        for index in stride(from: 0, to: 20_000, by: 7) {
            #expect(table.snapshot(EntityKey("card-\(index)"))?.transactionCount == UInt32(index))
        }
        // Half go idle and expire; the rest must still be found after backward-shift deletions.
        for index in stride(from: 0, to: 20_000, by: 2) {
            table.update(EntityKey("card-\(index)"), at: 1_000) { card, _ in card.lastSeen = 1_000 }
        }
        table.expireIdle()
        #expect(table.count == 10_000)
        for index in 0..<20_000 {
            let present = table.snapshot(EntityKey("card-\(index)")) != nil
            #expect(present == (index % 2 == 0))
        }
    }

    @Test("keys whose index tags collide stay distinct through inserts, removals and growth")
    func tagCollisions() {
        let table = StripedTable<CardState>(stripeCount: 1, capacity: 10_000, idleSeconds: 100)
        // The slot tag is a key's low 32 bits, and its home slot is taken from the tag: keys that
        // share them share a probe chain. 0 is tagged 2^31, so those two low halves collide too.
        let lowHalves: [UInt64] = [0, 0x8000_0000, 0x1234_5678, 0xFFFF_FFFF]
        let keys: [UInt64] = (0..<2_000).map { index in
            UInt64(index / lowHalves.count + 1) << 32 | lowHalves[index % lowHalves.count]
        }
        for (index, key) in keys.enumerated() {
            table.update(EntityKey(rawValue: key), at: 10) { card, _ in card.transactionCount = UInt32(index) }
        }
        #expect(table.count == keys.count)
        // Odd keys stay busy; even ones go idle and expire (updates of existing keys never sweep).
        for (index, key) in keys.enumerated() where index % 2 == 1 {
            table.update(EntityKey(rawValue: key), at: 5_000) { card, _ in card.lastSeen = 5_000 }
        }
        for (index, key) in keys.enumerated() {
            #expect(table.snapshot(EntityKey(rawValue: key))?.transactionCount == UInt32(index))
        }
        table.expireIdle()
        #expect(table.count == keys.count / 2)
        for (index, key) in keys.enumerated() {
            #expect(table.snapshot(EntityKey(rawValue: key))?.transactionCount == (index % 2 == 0 ? nil : UInt32(index)))
        }
    }

    @Test("a full table evicting on every insert keeps its size and finds every entry it kept")
    func evictionReusesPositions() {
        let table = StripedTable<CardState>(stripeCount: 2, capacity: 500, idleSeconds: .max)
        for index in 0..<5_000 {
            table.update(EntityKey("card-\(index)"), at: UInt32(index)) { card, _ in card.transactionCount = UInt32(index) }
        }
        #expect(table.count == 500)
        #expect(table.evictionCounts.evicted == 4_500)
        var kept = 0
        for index in 0..<5_000 {
            guard let card = table.snapshot(EntityKey("card-\(index)")) else { continue }
            #expect(card.transactionCount == UInt32(index))
            kept += 1
        }
        #expect(kept == 500)
    }

    @Test("expiry after a pass that removed nothing still finds an entry whose last-seen time an update moved back")
    func expiryAfterEmptyPass() {
        let table = StripedTable<CardState>(stripeCount: 1, capacity: 100, idleSeconds: 100)
        table.update(EntityKey("card-a"), at: 1_000) { _, _ in }
        table.update(EntityKey("card-b"), at: 1_000) { _, _ in }
        table.update(EntityKey("card-c"), at: 1_050) { _, _ in }
        #expect(table.expireIdle() == 0, "nothing is idle yet")
        // The pass above knows the oldest entry is from 1,000: this update must tell expiry otherwise.
        table.update(EntityKey("card-a"), at: 1_050) { card, _ in card.lastSeen = 10 }
        #expect(table.expireIdle() == 1)
        #expect(table.snapshot(EntityKey("card-a")) == nil)
        #expect(table.count == 2)
        // Inserting sweeps a little too, so only the end state is certain.
        table.update(EntityKey("card-d"), at: 1_200) { _, _ in }
        table.expireIdle()
        #expect(table.count == 1, "card-b and card-c are idle past the TTL now")
        #expect(table.snapshot(EntityKey("card-d")) != nil)
    }

    @Test("arrival order evicts the oldest entries first, however recently they were touched")
    func arrivalOrderEviction() {
        let table = StripedTable<CardState>(stripeCount: 1, capacity: 100, idleSeconds: .max, retention: .arrivalOrder)
        for index in 0..<100 {
            table.update(EntityKey("card-\(index)"), at: UInt32(index)) { card, _ in card.transactionCount = UInt32(index) }
        }
        // Touched again, the ten oldest would survive least-recently-seen eviction; not this.
        for index in 0..<10 {
            table.update(EntityKey("card-\(index)"), at: 200) { card, _ in card.lastSeen = 200 }
        }
        for index in 100..<150 {
            table.update(EntityKey("card-\(index)"), at: UInt32(300 + index)) { card, _ in card.transactionCount = UInt32(index) }
        }
        #expect(table.count == 100)
        #expect(table.evictionCounts.evicted == 50)
        #expect((0..<50).allSatisfy { table.snapshot(EntityKey("card-\($0)")) == nil })
        #expect((50..<150).allSatisfy { table.snapshot(EntityKey("card-\($0)"))?.transactionCount == UInt32($0) })
    }

    @Test("arrival order through removals and a written and restored copy: the same entries go, every kept one is found")
    func arrivalOrderAfterRemovalsAndRestore() throws {
        func makeTable() -> StripedTable<CardState> {
            StripedTable<CardState>(stripeCount: 2, capacity: 400, idleSeconds: 300, retention: .arrivalOrder)
        }
        func feed(_ table: StripedTable<CardState>, _ range: Range<Int>) {
            for index in range {
                table.update(EntityKey("card-\(index)"), at: UInt32(index)) { card, _ in card.transactionCount = UInt32(index) }
                if index % 700 == 0 { table.expireIdle() }
            }
        }
        let original = makeTable()
        feed(original, 0..<3_000)
        #expect(original.evictionCounts.evicted > 0 && original.evictionCounts.expired > 0, "the run evicted and removed")
        var writer = StateWriter()
        original.write(to: &writer)
        var reader = StateReader(writer.finish())
        let restored = makeTable()
        #expect(try restored.restore(from: &reader) == 0)
        feed(original, 3_000..<5_000)
        feed(restored, 3_000..<5_000)
        #expect(restored.count == original.count)
        #expect(restored.evictionCounts.evicted == original.evictionCounts.evicted)
        var kept = 0
        for index in 0..<5_000 {
            let card = original.snapshot(EntityKey("card-\(index)"))
            #expect(restored.snapshot(EntityKey("card-\(index)"))?.transactionCount == card?.transactionCount)
            guard let card else { continue }
            #expect(card.transactionCount == UInt32(index))
            kept += 1
        }
        #expect(kept == original.count)
        #expect(kept <= 400)
    }

    @Test("prefetch hints change nothing, also while another thread grows the index they read")
    func prefetchChangesNothing() {
        // Two tables fed the same updates (the same eviction seeds, so the same victims); one
        // gets both hints for the key before each update and for keys it never holds, while a
        // second thread hints at it throughout, reading the index address as growth moves it.
        let plain = StripedTable<CardState>(stripeCount: 2, capacity: 3_000, idleSeconds: 400)
        let hinted = StripedTable<CardState>(stripeCount: 2, capacity: 3_000, idleSeconds: 400)
        let keys = (0..<12_000).map { EntityKey("card-\($0 % 5_000)") }
        let stop = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var index = 0
            while stop.wait(timeout: .now()) == .timedOut {
                hinted.prefetch(keys[index % keys.count])
                hinted.prefetchEntry(EntityKey("absent-\(index)"))
                index += 1
            }
            stopped.signal()
        }
        hinted.prefetch(.none)
        hinted.prefetchEntry(.none)
        for (index, key) in keys.enumerated() {
            let seconds = UInt32(index / 10)
            plain.update(key, at: seconds) { card, _ in card.transactionCount &+= 1 }
            hinted.prefetch(key)
            hinted.prefetch(EntityKey("absent-\(index)"))
            hinted.prefetchEntry(key)
            hinted.update(key, at: seconds) { card, _ in card.transactionCount &+= 1 }
        }
        stop.signal()
        stopped.wait()
        #expect(hinted.count == plain.count)
        #expect(hinted.evictionCounts.evicted == plain.evictionCounts.evicted)
        #expect(hinted.evictionCounts.expired == plain.evictionCounts.expired)
        #expect(plain.evictionCounts.evicted + plain.evictionCounts.expired > 0, "the run grew, evicted and expired")
        for index in 0..<5_000 {
            let key = EntityKey("card-\(index)")
            #expect(hinted.snapshot(key)?.transactionCount == plain.snapshot(key)?.transactionCount)
        }
    }
}
