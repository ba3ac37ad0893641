/// The bytes a journal holds between two commits: appended in memory, written out together.
///
/// A growable buffer rather than an `[UInt8]` so that a record can be built where it will be
/// written from: `reserve` hands out room that is not yet initialised, which an array can only
/// give after zero-filling it (for the decision log, the longest record's kilobytes per
/// transaction). Grows by doubling and keeps its capacity across commits.
struct PendingBytes: ~Copyable {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes held.
    private(set) var count = 0

    /// Room for `capacity` bytes to begin with.
    init(capacity: Int = 64 << 10) {
        self.capacity = max(capacity, 1)
        storage = .allocate(byteCount: self.capacity, alignment: MemoryLayout<UInt64>.alignment)
    }

    deinit { storage.deallocate() }

    /// Whether nothing is held.
    var isEmpty: Bool { count == 0 }

    /// The bytes held; valid until the next change.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    /// Room for `byteCount` bytes after those held, not initialised and not yet counted: write
    /// into it, then `extend(by:)` what was written.
    mutating func reserve(_ byteCount: Int) -> UnsafeMutableRawBufferPointer {
        if count + byteCount > capacity { grow(toAtLeast: count + byteCount) }
        return UnsafeMutableRawBufferPointer(start: storage + count, count: byteCount)
    }

    /// Counts `byteCount` bytes written into the room `reserve` gave as held.
    mutating func extend(by byteCount: Int) {
        precondition(count + byteCount <= capacity)
        count += byteCount
    }

    /// Forgets the bytes held, keeping the capacity.
    mutating func removeAll() { count = 0 }

    private mutating func grow(toAtLeast minimum: Int) {
        var larger = capacity
        while larger < minimum { larger *= 2 }
        let moved = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: MemoryLayout<UInt64>.alignment)
        moved.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = moved
        capacity = larger
    }
}
