import CPrefetch
import Synchronization

/// One stripe of a `StripedTable`: an open-addressing index over a dense array of entries.
///
/// The index (linear probing, at most 60% full, backward-shift deletion) maps a key to the
/// entry's position. A slot is 8 bytes: the key's low 32 bits as a tag and the entry's
/// position. The tag holds the slot's home too, so moving slots (deletion, growth) never reads
/// an entry; a tag match is confirmed against the entry's full key. Entries sit back to back, so memory
/// is what they need plus about 22 bytes per entry: the index, and a copy of each entry's
/// last-seen time for expiry and eviction. Everything is manually managed memory: no
/// copy-on-write, no uniqueness checks and no allocation on the update path except when the
/// stripe grows.
///
/// Callers hold `mutex` around every method.
final class TableStripe<Entry: TableEntry>: @unchecked Sendable {
    struct Slot {
        /// The key's low 32 bits (never 0, see `tag(_:)`); 0 = empty.
        var tag: UInt32
        var position: UInt32

        static var empty: Slot { Slot(tag: 0, position: 0) }
    }

    let mutex = PaddedMutex()
    private var slots: UnsafeMutablePointer<Slot>
    private var slotMask: Int
    /// `slots` and `slotMask` for `prefetch(_:)`, which reads them without the lock. A reader may
    /// see one of them from before a growth: the hint then points at a stale line, which costs a
    /// cache fill and is otherwise harmless (a prefetch never faults).
    private let prefetchSlots = Atomic<UInt>(0)
    private let prefetchMask = Atomic<UInt>(0)
    private var entries: UnsafeMutablePointer<Entry>
    /// Each entry's `lastSeen`, at the same position: expiry and eviction read these 4 bytes
    /// instead of the whole entry (an expiry round over a million 184-byte outcome entries reads
    /// 4 MB, not 184 MB). `withEntry` keeps them in step.
    private var seen: UnsafeMutablePointer<UInt32>
    private var entryCapacity: Int
    private(set) var count = 0
    let maximumCount: Int
    let idleSeconds: UInt32
    /// What inserts do about idle entries, and which entry a full stripe evicts.
    let retention: RetentionPolicy
    /// Newest event time seen in this stripe: the clock idle expiry runs on.
    private(set) var newestSeen: UInt32 = 0
    /// No entry's last-seen time is older than this: a lower bound, lowered by every write to
    /// `seen` and made exact by each expiry pass. While it is at or past the cutoff, nothing can
    /// expire and expiry reads nothing (at each housekeeping round the outcome log's pass over a
    /// million last-seen times was 3.7 % of the daemon: docs/performance.md §21).
    private var oldestSeen = UInt32.max
    /// The position the next sweep step looks at (`.leastRecentlySeen`), or the next eviction
    /// takes (`.arrivalOrder`).
    private var cursor = 0
    private var random: UInt64
    private(set) var evictions = 0
    private(set) var expirations = 0
    // Keeps the hot fields of neighbouring stripes off each other's cache lines.
    private var padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    init(maximumCount: Int, idleSeconds: UInt32, seed: UInt64, retention: RetentionPolicy = .leastRecentlySeen) {
        precondition(maximumCount > 0)
        self.maximumCount = maximumCount
        self.idleSeconds = idleSeconds
        self.retention = retention
        self.random = seed | 1
        let initialCapacity = min(maximumCount, 64)
        entryCapacity = initialCapacity
        entries = .allocate(capacity: initialCapacity)
        seen = .allocate(capacity: initialCapacity)
        let slotCount = Self.slotCount(for: initialCapacity)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: .empty, count: slotCount)
        slotMask = slotCount - 1
        publishSlots()
    }

    deinit {
        entries.deallocate()
        seen.deallocate()
        slots.deallocate()
    }

    /// Smallest power of two that keeps `entryCount` entries at most 60% full.
    private static func slotCount(for entryCount: Int) -> Int {
        var slots = 16
        while slots * 3 < entryCount * 5 { slots <<= 1 }
        return slots
    }

    /// The slot a tag's probe chain starts at: its low bits.
    @inline(__always)
    private func home(_ tag: UInt32) -> Int { Int(tag) & slotMask }

    /// The slot tag of a key: its low 32 bits (the stripe is chosen by the top bits, so these
    /// vary within a stripe). A key whose low 32 bits are 0 is tagged 2^31 instead, as 0 marks
    /// an empty slot; homes are taken from tags, so that key's chain starts where its tag says.
    @inline(__always)
    private static func tag(_ key: UInt64) -> UInt32 {
        let tag = UInt32(truncatingIfNeeded: key)
        return tag == 0 ? 1 << 31 : tag
    }

    /// Starts loading the index slot where `key`'s probe begins, without taking the lock or
    /// waiting for it: a probe that follows under the lock then finds the line in cache.
    @inline(__always)
    func prefetch(_ key: UInt64) {
        let index = UInt(Self.tag(key)) & prefetchMask.load(ordering: .relaxed)
        let address = prefetchSlots.load(ordering: .relaxed) &+ index &* UInt(MemoryLayout<Slot>.stride)
        streamify_prefetch_for_write(UnsafeRawPointer(bitPattern: address))
    }

    /// Starts loading `key`'s entry and its last-seen time, if its index slot says where they
    /// are (by tag alone: reading the entry's key to be sure would wait for the very miss this
    /// is meant to start). Call with the lock held, best after `prefetch(_:)` for the same key.
    @inline(__always)
    func prefetchEntry(_ key: UInt64) {
        let tag = Self.tag(key)
        var index = home(tag)
        while slots[index].tag != 0 {
            if slots[index].tag == tag {
                let position = Int(slots[index].position)
                prefetchLines(of: position)
                streamify_prefetch_for_write(seen + position)
                return
            }
            index = (index + 1) & slotMask
        }
    }

    /// Starts loading every cache line the entry at `position` touches (an entry need not start
    /// on a line).
    @inline(__always)
    private func prefetchLines(of position: Int) {
        let start = UInt(bitPattern: entries + position)
        let lineMask = ~UInt(Self.cacheLineBytes - 1)
        var line = start & lineMask
        while line <= (start + UInt(MemoryLayout<Entry>.size) - 1) & lineMask {
            streamify_prefetch_for_write(UnsafeRawPointer(bitPattern: line))
            line += UInt(Self.cacheLineBytes)
        }
    }

    /// Bytes in a cache line (x86-64 and the arm64 servers this runs on).
    private static var cacheLineBytes: Int { 64 }

    /// Tells `prefetch(_:)` where the index now is.
    private func publishSlots() {
        prefetchSlots.store(UInt(bitPattern: slots), ordering: .relaxed)
        prefetchMask.store(UInt(slotMask), ordering: .relaxed)
    }

    /// Index of the slot holding `key`, or of the empty slot where it would go.
    @inline(__always)
    private func findSlot(_ key: UInt64) -> Int {
        let tag = Self.tag(key)
        var index = home(tag)
        while true {
            let slot = slots[index]
            if slot.tag == 0 { return index }
            if slot.tag == tag, entries[Int(slot.position)].key == key { return index }
            index = (index + 1) & slotMask
        }
    }

    /// Position of `key`'s entry, if present.
    @inline(__always)
    func position(of key: UInt64) -> Int? {
        let slot = slots[findSlot(key)]
        return slot.tag == 0 ? nil : Int(slot.position)
    }

    /// Runs `body` on the entry at `position`, then notes its `lastSeen` for expiry and eviction.
    @inline(__always)
    func withEntry<Result>(at position: Int, _ body: (inout Entry) throws -> Result) rethrows -> Result {
        defer { noteSeen(at: position) }
        return try body(&entries[position])
    }

    /// Position of `key`'s entry, inserting a fresh one (evicting or expiring to make room) if needed.
    func findOrInsert(_ key: UInt64, at seconds: UInt32) -> (position: Int, inserted: Bool) {
        if seconds > newestSeen { newestSeen = seconds }
        let found = slots[findSlot(key)]
        if found.tag != 0 { return (Int(found.position), false) }

        if retention == .leastRecentlySeen { sweepIdle(steps: 2) }
        let position: Int
        if count >= maximumCount {
            position = retention == .arrivalOrder ? evictOldest() : evictOne()
        } else {
            if count >= entryCapacity { growEntries() }
            if (count + 1) * 5 > (slotMask + 1) * 3 { growSlots() }
            position = count
            count += 1
        }
        (entries + position).initialize(to: Entry(key: key, firstSeen: seconds))
        noteSeen(at: position)
        let freeSlot = findSlot(key)
        slots[freeSlot] = Slot(tag: Self.tag(key), position: UInt32(position))
        if retention == .arrivalOrder, count >= maximumCount { prefetchComingEvictions() }
        return (position, true)
    }

    /// Copies the entry's last-seen time to `seen`, keeping `oldestSeen` a lower bound.
    @inline(__always)
    private func noteSeen(at position: Int) {
        let lastSeen = entries[position].lastSeen
        seen[position] = lastSeen
        if lastSeen < oldestSeen { oldestSeen = lastSeen }
    }

    /// Removes every entry idle for longer than `idleSeconds` before the stripe's newest event,
    /// showing each to `expiring` first.
    func expireIdle(_ expiring: (Entry) -> Void = { _ in }) -> Int {
        guard newestSeen > idleSeconds else { return 0 }
        let cutoff = newestSeen - idleSeconds
        guard oldestSeen < cutoff else { return 0 }
        var removed = 0
        var position = 0
        var oldestKept = UInt32.max
        while position < count {
            // A block at a time: most blocks hold nothing idle.
            let end = min(position + Self.expiryBlock, count)
            let blockOldest = oldest(from: position, to: end)
            if blockOldest >= cutoff {
                oldestKept = min(oldestKept, blockOldest)
                position = end
                continue
            }
            // One by one: a removal moves the last entry into the hole, to be looked at in turn.
            while position < min(end, count) {
                if seen[position] < cutoff {
                    expiring(entries[position])
                    remove(at: position)
                    removed += 1
                } else {
                    oldestKept = min(oldestKept, seen[position])
                    position += 1
                }
            }
        }
        oldestSeen = oldestKept
        expirations += removed
        return removed
    }

    /// Last-seen times `expireIdle` checks together before looking at any one of them.
    private static var expiryBlock: Int { 64 }

    /// The oldest of the last-seen times at `start..<end` (a loop the compiler vectorises).
    @inline(__always)
    private func oldest(from start: Int, to end: Int) -> UInt32 {
        (start..<end).reduce(UInt32.max) { min($0, seen[$1]) }
    }

    /// Looks at a couple of entries per insert so idle ones go without a full sweep.
    private func sweepIdle(steps: Int) {
        guard count > 0, newestSeen > idleSeconds else { return }
        let cutoff = newestSeen - idleSeconds
        for _ in 0..<steps {
            if cursor >= count { cursor = 0 }
            if seen[cursor] < cutoff {
                remove(at: cursor)
                expirations += 1
                if count == 0 { return }
            } else {
                cursor += 1
            }
        }
    }

    /// Evicts the least recently seen of eight sampled entries (approximate LRU); see `evict(at:)`.
    private func evictOne() -> Int {
        var victim = nextRandom() % count
        for _ in 1..<8 {
            let candidate = nextRandom() % count
            if seen[candidate] < seen[victim] { victim = candidate }
        }
        return evict(at: victim)
    }

    /// Evicts the entry at the cursor (`.arrivalOrder`); see `evict(at:)`.
    private func evictOldest() -> Int {
        if cursor >= count { cursor = 0 }
        let victim = cursor
        cursor += 1
        return evict(at: victim)
    }

    /// Evicts the entry at `victim` and returns its position, left uninitialized and out of the
    /// index for the entry that takes its place (`count` is unchanged: the caller initializes and
    /// indexes it). Reusing the position saves moving the last entry into it, and reading the
    /// victim's key brings in the cache line the new entry is written to.
    private func evict(at victim: Int) -> Int {
        deleteSlot(findSlot(entries[victim].key))
        (entries + victim).deinitialize(count: 1)
        evictions += 1
        return victim
    }

    /// Starts loading what the next two evictions in arrival order touch, so that neither waits
    /// on memory: the next victim's index slot (its key, read here, came in with the hint the
    /// insert before this one gave), and every line of the victim after it, which the entry that
    /// takes its place is written to.
    @inline(__always)
    private func prefetchComingEvictions() {
        let next = cursor < count ? cursor : 0
        prefetchLines(of: next + 1 < count ? next + 1 : 0)
        streamify_prefetch_for_write(slots + home(Self.tag(entries[next].key)))
    }

    private func nextRandom() -> Int {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return Int(truncatingIfNeeded: random >> 1)
    }

    /// Removes the entry at `position`, moving the last entry into its place.
    private func remove(at position: Int) {
        deleteSlot(findSlot(entries[position].key))
        let last = count - 1
        if position != last {
            // Find the last entry's slot while the entry is still where its slot says.
            let movedSlot = findSlot(entries[last].key)
            (entries + position).moveUpdate(from: entries + last, count: 1)
            seen[position] = seen[last]
            slots[movedSlot].position = UInt32(position)
        } else {
            (entries + last).deinitialize(count: 1)
        }
        count -= 1
    }

    /// Backward-shift deletion: keeps every probe chain unbroken without tombstones.
    private func deleteSlot(_ slot: Int) {
        var hole = slot
        var index = slot
        while true {
            index = (index + 1) & slotMask
            let slot = slots[index]
            if slot.tag == 0 { break }
            let ideal = home(slot.tag)
            let staysPut = hole <= index ? (hole < ideal && ideal <= index) : (hole < ideal || ideal <= index)
            if staysPut { continue }
            slots[hole] = slots[index]
            hole = index
        }
        slots[hole] = .empty
    }

    private func growEntries() {
        let newCapacity = min(max(entryCapacity * 2, 64), maximumCount)
        let newEntries = UnsafeMutablePointer<Entry>.allocate(capacity: newCapacity)
        newEntries.moveInitialize(from: entries, count: count)
        entries.deallocate()
        entries = newEntries
        let newSeen = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        newSeen.moveInitialize(from: seen, count: count)
        seen.deallocate()
        seen = newSeen
        entryCapacity = newCapacity
    }

    private func growSlots() {
        let newCount = (slotMask + 1) * 2
        let oldSlots = slots
        let oldCount = slotMask + 1
        slots = .allocate(capacity: newCount)
        slots.initialize(repeating: .empty, count: newCount)
        slotMask = newCount - 1
        publishSlots()
        for index in 0..<oldCount where oldSlots[index].tag != 0 {
            var free = home(oldSlots[index].tag)
            while slots[free].tag != 0 { free = (free + 1) & slotMask }
            slots[free] = oldSlots[index]
        }
        oldSlots.deallocate()
    }

    /// Writes the entries in position order, then what sweeping and eviction go by, so a stripe
    /// restored from them evicts and sweeps as this one would have.
    func write(to writer: inout StateWriter) {
        writer.write(UnsafePointer(entries), count: count)
        writer.write(newestSeen)
        writer.write(UInt64(cursor))
        writer.write(random)
        writer.write(UInt64(evictions))
        writer.write(UInt64(expirations))
    }

    /// Appends `entry` at the next position, as restoring does; false (and nothing kept) when the
    /// stripe is full or already holds its key.
    func restore(_ entry: Entry) -> Bool {
        guard count < maximumCount, position(of: entry.key) == nil else { return false }
        if count >= entryCapacity { growEntries() }
        if (count + 1) * 5 > (slotMask + 1) * 3 { growSlots() }
        (entries + count).initialize(to: entry)
        noteSeen(at: count)
        slots[findSlot(entry.key)] = Slot(tag: Self.tag(entry.key), position: UInt32(count))
        count += 1
        return true
    }

    /// What sweeping and eviction go by, as `write(to:)` writes it after the entries.
    struct Counters {
        var newestSeen: UInt32
        /// The stripe's `cursor`.
        var cursor: UInt64
        var random: UInt64
        var evictions: UInt64
        var expirations: UInt64

        init(from reader: inout StateReader) throws(StateFormatError) {
            newestSeen = try reader.read()
            cursor = try reader.read()
            random = try reader.read()
            evictions = try reader.read()
            expirations = try reader.read()
        }
    }

    /// Takes over `counters`. `exact` is whether the entries restored were this stripe's own (the
    /// writer had the same stripe count); otherwise only the clock is carried over.
    func restore(_ counters: Counters, exact: Bool) {
        newestSeen = max(newestSeen, counters.newestSeen)
        guard exact else { return }
        cursor = Int(truncatingIfNeeded: counters.cursor)
        if counters.random != 0 { random = counters.random }
        evictions = Int(truncatingIfNeeded: counters.evictions)
        expirations = Int(truncatingIfNeeded: counters.expirations)
    }

    /// Bytes this stripe holds (entries and index), for memory accounting.
    var allocatedBytes: Int {
        entryCapacity * (MemoryLayout<Entry>.stride + MemoryLayout<UInt32>.stride) + (slotMask + 1) * MemoryLayout<Slot>.stride
    }
}
