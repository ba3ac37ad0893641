/// A concurrent map from fingerprints to fixed-size entries, split into lock stripes.
///
/// Each key belongs to one stripe (by its top bits); each stripe has its own padded mutex, so
/// threads working on different cards rarely meet. Updates run a closure on the entry in place
/// while its stripe is locked: read-modify-write of one key is atomic, and concurrent writers
/// lose no update. Memory is bounded: entries idle for longer than the event-time TTL expire,
/// and a full stripe evicts an entry, as its `RetentionPolicy` says.
public final class StripedTable<Entry: TableEntry>: @unchecked Sendable {
    /// Owns the stripes; the paths that visit every stripe go through it.
    private let stripes: [TableStripe<Entry>]
    /// The same stripes, unretained, for the lookup of one key: `withStripe(for:_:)` borrows
    /// its stripe from here instead of retaining and releasing it, as reading it out of
    /// `stripes` does (about 25 such pairs per score, a few percent of the daemon:
    /// docs/performance.md §20). Valid as long as `stripes`, which never changes.
    private let lookup: UnsafeMutableBufferPointer<Unmanaged<TableStripe<Entry>>>
    private let stripeShift: UInt64

    /// - Parameters:
    ///   - stripeCount: a power of two.
    ///   - capacity: entries kept at most, across all stripes.
    ///   - idleSeconds: event-time TTL: entries not touched for this long are dropped.
    ///   - retention: what inserts do about idle entries and which entry a full stripe evicts.
    public init(
        stripeCount: Int = 64, capacity: Int, idleSeconds: UInt32, retention: RetentionPolicy = .leastRecentlySeen
    ) {
        precondition(stripeCount > 0 && stripeCount & (stripeCount - 1) == 0, "stripe count must be a power of two")
        precondition(capacity > 0)
        let perStripe = max(1, (capacity + stripeCount - 1) / stripeCount)
        self.stripes = (0..<stripeCount).map { index in
            TableStripe(
                maximumCount: perStripe, idleSeconds: idleSeconds, seed: Fingerprint.finalize(UInt64(index + 1)),
                retention: retention)
        }
        self.lookup = .allocate(capacity: stripeCount)
        _ = lookup.initialize(from: stripes.lazy.map { Unmanaged.passUnretained($0) })
        self.stripeShift = UInt64(64 - stripeCount.trailingZeroBitCount)
    }

    deinit {
        lookup.deallocate()
    }

    /// Index of `key`'s stripe: its top bits.
    @inline(__always)
    private func stripeIndex(for key: UInt64) -> Int {
        lookup.count == 1 ? 0 : Int(truncatingIfNeeded: key >> stripeShift)
    }

    /// Runs `body` on `key`'s stripe, borrowed (see `lookup`).
    @inline(__always)
    private func withStripe<Result>(
        for key: UInt64, _ body: (TableStripe<Entry>) throws -> Result
    ) rethrows -> Result {
        try lookup[stripeIndex(for: key)]._withUnsafeGuaranteedRef(body)
    }

    /// Starts loading the cache line where a lookup of `key` begins, without waiting for it or
    /// taking a lock. A hint: it changes nothing, and an absent key (`.none`) has nothing to
    /// load. Issue it for every key a step will touch before touching the first, and their
    /// cache misses overlap instead of following one another.
    @inline(__always)
    public func prefetch(_ key: EntityKey) {
        guard !key.isNone else { return }
        withStripe(for: key.rawValue) { $0.prefetch(key.rawValue) }
    }

    /// Starts loading `key`'s entry, if the index knows it, under its stripe lock but without
    /// waiting for the entry (nothing for `.none`). Best after `prefetch(_:)` of every key the
    /// step touches.
    @inline(__always)
    public func prefetchEntry(_ key: EntityKey) {
        guard !key.isNone else { return }
        withStripe(for: key.rawValue) { stripe in stripe.mutex.withLock { stripe.prefetchEntry(key.rawValue) } }
    }

    /// Runs `body` on `key`'s entry under its stripe lock, creating the entry first if needed.
    ///
    /// `body` gets the entry and whether it was just created. Keep it short: the stripe is locked.
    @inline(__always)
    public func update<Result>(
        _ key: EntityKey,
        at seconds: UInt32,
        _ body: (inout Entry, _ isNew: Bool) throws -> Result
    ) rethrows -> Result {
        precondition(!key.isNone, "tables have no entry for an absent key")
        return try withStripe(for: key.rawValue) { stripe in
            try stripe.mutex.withLock {
                let (position, inserted) = stripe.findOrInsert(key.rawValue, at: seconds)
                return try stripe.withEntry(at: position) { try body(&$0, inserted) }
            }
        }
    }

    /// Runs `body` on `key`'s entry, if there is one, under its stripe lock.
    public func updateExisting<Result>(_ key: EntityKey, _ body: (inout Entry) throws -> Result) rethrows -> Result? {
        guard !key.isNone else { return nil }
        return try withStripe(for: key.rawValue) { stripe in
            try stripe.mutex.withLock {
                guard let position = stripe.position(of: key.rawValue) else { return nil }
                return try stripe.withEntry(at: position) { try body(&$0) }
            }
        }
    }

    /// A copy of `key`'s entry, if there is one.
    public func snapshot(_ key: EntityKey) -> Entry? {
        updateExisting(key) { $0 }
    }

    /// Entries held now.
    public var count: Int {
        stripes.reduce(0) { total, stripe in total + stripe.mutex.withLock { stripe.count } }
    }

    /// Entries evicted for capacity and expired for idleness so far.
    public var evictionCounts: (evicted: Int, expired: Int) {
        stripes.reduce((0, 0)) { total, stripe in
            stripe.mutex.withLock { (total.0 + stripe.evictions, total.1 + stripe.expirations) }
        }
    }

    /// Bytes allocated for entries and index.
    public var allocatedBytes: Int {
        stripes.reduce(0) { total, stripe in total + stripe.mutex.withLock { stripe.allocatedBytes } }
    }

    /// Drops every entry idle past the TTL, one stripe at a time; returns how many went.
    ///
    /// `expiring` sees each entry just before it goes, under its stripe's lock: keep it short and
    /// take no other lock in it (copy what you need out).
    @discardableResult
    public func expireIdle(_ expiring: (Entry) -> Void = { _ in }) -> Int {
        stripes.reduce(0) { total, stripe in total + stripe.mutex.withLock { stripe.expireIdle(expiring) } }
    }

    /// The newest event time any stripe has seen: the table's event-time clock.
    public var newestSeen: UInt32 {
        stripes.reduce(0) { newest, stripe in max(newest, stripe.mutex.withLock { stripe.newestSeen }) }
    }

    /// Writes every entry and each stripe's clock and eviction state, one stripe at a time, each
    /// under its lock. A copy that is consistent across stripes needs no concurrent writers.
    public func write(to writer: inout StateWriter) {
        writer.write(UInt32(stripes.count))
        for stripe in stripes {
            stripe.mutex.withLock { stripe.write(to: &writer) }
        }
    }

    /// Loads what `write(to:)` wrote into this (empty) table; returns the entries that did not
    /// fit (a smaller capacity than the writer's). With the writer's stripe count, every stripe
    /// comes back as it was, so later evictions and sweeps are the ones the writer would have made.
    @discardableResult
    public func restore(from reader: inout StateReader) throws(StateFormatError) -> Int {
        let written = Int(try reader.read(UInt32.self))
        guard written > 0, written <= 1 << 16 else { throw StateFormatError("a table of \(written) stripes") }
        var dropped = 0
        for index in 0..<written {
            let entries = try reader.readArray(Entry.self)
            for entry in entries {
                guard entry.key != 0 else { throw StateFormatError("a \(Entry.self) without a key") }
                let stripe = stripes[stripeIndex(for: entry.key)]
                if !stripe.mutex.withLock({ stripe.restore(entry) }) { dropped += 1 }
            }
            let counters = try TableStripe<Entry>.Counters(from: &reader)
            let exact = written == stripes.count
            // Entries spread over other stripes: each stripe keeps the newest clock seen.
            for stripe in exact ? [stripes[index]] : stripes {
                stripe.mutex.withLock { stripe.restore(counters, exact: exact) }
            }
        }
        return dropped
    }
}
