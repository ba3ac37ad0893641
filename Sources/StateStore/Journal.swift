import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only log of state-changing requests, in numbered segment files, written before
/// their answers leave.
///
/// Records are collected in memory by `append` (any thread) and written to the current
/// segment by `commit`, once per read burst, so a burst of pipelined requests costs one
/// write(2). `rotate(to:)` starts a new segment, which is how a snapshot marks the point its
/// state covers: snapshot k holds everything in segments before k.
///
/// A segment file is `journal-<segment>.log`: a `FileHeader` (magic `STRMJRNL`, format, the
/// segment it follows (`chainWord`), the record layout fingerprint given at creation,
/// little-endian), then records of
/// `length: UInt32, crc32c: UInt32, kind: UInt8, payload`, where the CRC covers kind and
/// payload. `Journal.replay` reads them back and recovers a torn or corrupt tail up to the last
/// good record.
public final class Journal: @unchecked Sendable {
    /// Where the segments are.
    public let directory: String
    /// When commits are forced to the disk.
    public let fsyncPolicy: FsyncPolicy
    private let layout: UInt64
    private let mutex = Mutex<Void>(())
    private var pending = PendingBytes()
    private var descriptor: Int32 = -1
    private var segmentBytes = 0
    /// Bytes of the segments rotated away since the last `snapshotWritten(before:)`.
    private var retiredBytes = 0
    private var unsynced = false
    private let failed = Atomic<Bool>(false)
    /// The latest segment an fdatasync failed on (-1: none since the last snapshot after it).
    private let syncLostSegment = Atomic<Int64>(-1)
    /// The segment now appended to.
    public private(set) var segment: UInt64 = 0
    /// Its path, made once per segment: commits name it only when they fail.
    private var segmentFile = ""
    private var syncTimer: (any DispatchSourceTimer)?

    static let magic = Array("STRMJRNL".utf8)
    static let format: UInt32 = 1
    /// Bytes of a segment's header, before its first record.
    public static var headerBytes: Int { FileHeader.length }
    private static let names = SequencedFileName(prefix: "journal-", suffix: ".log")
    /// Bytes before a record's payload: length, checksum, kind.
    static let recordOverhead = MemoryLayout<UInt32>.size * 2 + 1
    /// The longest payload a record may have (records are engine structs of a few hundred bytes).
    public static let maximumPayload = 1 << 16

    /// Whether, with `.always`, commits fail after a failed fdatasync until `snapshotWritten`:
    /// for a journal whose owner takes snapshots (the state's). Otherwise the next commit that
    /// writes goes on.
    public let syncFailureWaitsForSnapshot: Bool

    /// Opens `segment` in `directory` for appending, creating it (with its header) if missing.
    /// With `.interval`, a background thread fsyncs once a second while there is new data.
    public init(
        directory: String, segment: UInt64, layout: UInt64, fsyncPolicy: FsyncPolicy, syncFailureWaitsForSnapshot: Bool = false
    ) throws(StateFileError) {
        self.directory = directory
        self.layout = layout
        self.fsyncPolicy = fsyncPolicy
        self.syncFailureWaitsForSnapshot = syncFailureWaitsForSnapshot
        try open(segment: segment)
        if fsyncPolicy == .interval {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "streamify.journal.fsync"))
            timer.schedule(deadline: .now() + Self.syncInterval, repeating: Self.syncInterval)
            timer.setEventHandler { [weak self] in self?.syncIfDirty() }
            timer.resume()
            syncTimer = timer
        }
    }

    /// How often `.interval` forces new records to the disk.
    public static let syncInterval = DispatchTimeInterval.seconds(1)

    deinit {
        syncTimer?.cancel()
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Whether every commit so far reached the file. Once one fails, the journal refuses to
    /// promise durability: the caller should refuse state changes until `commit` succeeds again.
    public var isHealthy: Bool { !failed.load(ordering: .relaxed) }

    /// Whether an fdatasync failed since the last snapshot taken after it: records written
    /// before it may be in the page cache only, and no later fdatasync can tell (Linux reports a
    /// writeback error once, and no longer counts the failed pages as dirty). A power cut could
    /// then cut a hole in the journal, and a replay stops at the first record missing. Only a
    /// snapshot taken after them makes those records unneeded: take one, then call
    /// `snapshotWritten(before:)`. Meanwhile, with `.always` and `syncFailureWaitsForSnapshot`,
    /// `commit` fails: answers wait.
    public var needsSnapshot: Bool { syncLostSegment.load(ordering: .relaxed) >= 0 }

    /// fdatasync failures so far (the background one of `.interval`, and `.always` commits').
    public var syncFailures: Int { syncFailureCount.load(ordering: .relaxed) }
    private let syncFailureCount = Atomic<Int>(0)

    /// Notes that a snapshot of everything journalled in segments before `segment` is on the
    /// disk: a failed fdatasync in them no longer matters.
    public func snapshotWritten(before segment: UInt64) {
        mutex.withLock { _ in retiredBytes = 0 }
        let lost = syncLostSegment.load(ordering: .relaxed)
        guard lost >= 0, UInt64(lost) < segment else { return }
        // Only if no failure in a later segment came in between.
        _ = syncLostSegment.compareExchange(expected: lost, desired: -1, ordering: .relaxed)
    }

    private func syncFailed(in segment: UInt64) {
        syncFailureCount.add(1, ordering: .relaxed)
        var current = syncLostSegment.load(ordering: .relaxed)
        while current < Int64(segment) {
            let (exchanged, original) = syncLostSegment.compareExchange(expected: current, desired: Int64(segment), ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Bytes in the current segment, header and pending records included.
    public var bytesInSegment: Int { mutex.withLock { _ in segmentBytes + pending.count } }

    /// Bytes journalled since the last `snapshotWritten(before:)` of this journal: the current
    /// segment and every one rotated away since (a snapshot that failed after its rotation
    /// leaves its segment to count), and those `countEarlierSegments(from:)` found. What a
    /// restart replays, about, and what says when to take the next snapshot.
    public var bytesSinceSnapshot: Int { mutex.withLock { _ in retiredBytes + segmentBytes + pending.count } }

    /// Counts the segments from `first` up to the current one, left by an earlier run since its
    /// last snapshot (numbered `first`), in `bytesSinceSnapshot`.
    public func countEarlierSegments(from first: UInt64) throws(StateFileError) {
        var total = 0
        for number in try Self.segments(in: directory) where number >= first && number < segment {
            total += DurableFile.size(of: segmentPath(number))
        }
        mutex.withLock { _ in retiredBytes += total }
    }

    /// Adds a record to be written by the next `commit`.
    public func append(kind: UInt8, payload: UnsafeRawBufferPointer) {
        precondition(payload.count <= Self.maximumPayload)
        // Checksummed before the lock is taken: the lock is held only to copy.
        let checksum = Self.checksum(kind: kind, payload: payload)
        mutex.withLock { _ in
            let room = pending.reserve(Self.recordOverhead + payload.count)
            Self.writeRecordHead(into: room, length: payload.count, checksum: checksum, kind: kind)
            if let source = payload.baseAddress {
                room.baseAddress!.advanced(by: Self.recordOverhead).copyMemory(from: source, byteCount: payload.count)
            }
            pending.extend(by: Self.recordOverhead + payload.count)
        }
    }

    /// Adds a record whose payload `write` builds in place: it gets room for `maximumPayload`
    /// bytes and returns how many it wrote. Runs under the journal's lock, so it suits a journal
    /// that one thread appends to (a lane of the decision log): the record is then written once,
    /// where a record built elsewhere would be copied in.
    public func append(kind: UInt8, maximumPayload: Int, writing write: (UnsafeMutableRawBufferPointer) -> Int) {
        precondition(maximumPayload <= Self.maximumPayload)
        mutex.withLock { _ in
            let room = pending.reserve(Self.recordOverhead + maximumPayload)
            let length = write(UnsafeMutableRawBufferPointer(rebasing: room[Self.recordOverhead...]))
            precondition(length <= maximumPayload)
            let payload = UnsafeRawBufferPointer(rebasing: room[Self.recordOverhead..<(Self.recordOverhead + length)])
            Self.writeRecordHead(into: room, length: length, checksum: Self.checksum(kind: kind, payload: payload), kind: kind)
            pending.extend(by: Self.recordOverhead + length)
        }
    }

    /// Writes a record's head (`recordOverhead` bytes: length, checksum, kind) at the start of `room`.
    @inline(__always)
    private static func writeRecordHead(into room: UnsafeMutableRawBufferPointer, length: Int, checksum: UInt32, kind: UInt8) {
        let word = MemoryLayout<UInt32>.size
        room.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 0, as: UInt32.self)
        room.storeBytes(of: checksum.littleEndian, toByteOffset: word, as: UInt32.self)
        room.storeBytes(of: kind, toByteOffset: 2 * word, as: UInt8.self)
    }

    /// A record's checksum: CRC-32C over its kind and payload.
    static func checksum(kind: UInt8, payload: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        withUnsafeBytes(of: kind) { crc.update($0) }
        crc.update(payload)
        return crc.checksum
    }

    /// Writes the records appended so far to the current segment (one write(2)); with
    /// `.always`, also waits for them to reach the disk. Call it before answering the requests
    /// whose records were appended.
    ///
    /// With `.always` and `syncFailureWaitsForSnapshot`, it fails while `needsSnapshot`: what an
    /// earlier failed fdatasync covered is not known to be on the disk until a snapshot is.
    public func commit() throws(StateFileError) {
        try mutex.withLock { _ throws(StateFileError) in try commitLocked(waitingForSnapshot: true) }
    }

    private func commitLocked(waitingForSnapshot: Bool) throws(StateFileError) {
        if pending.isEmpty {
            try checkSynced(waitingForSnapshot)
            return
        }
        do throws(StateFileError) {
            // After a failure, first make sure nothing of it is left in the file (below).
            if !isHealthy { try cutBackToLastCommit() }
            try DurableFile.writeAll(pending.bytes, to: descriptor, path: segmentFile)
            segmentBytes += pending.count
            pending.removeAll()
            if fsyncPolicy == .always {
                try forceToDisk(descriptor, segment: segment, path: segmentFile)
            } else {
                unsynced = true
            }
            try checkSynced(waitingForSnapshot)
        } catch {
            failed.store(true, ordering: .relaxed)
            // A write cut short (a disk filling up) leaves the first part of these records in
            // the file. Written again whole after it, they would follow bytes that no reader gets
            // past: a replay stops at the first record that does not check out and drops the
            // rest. So the file is cut back to its last whole commit now, and again before the
            // next try if this fails too.
            try? cutBackToLastCommit()
            throw error
        }
    }

    /// Fails (marking the journal unhealthy) while `.always` commits wait for a snapshot after
    /// a failed fdatasync; otherwise marks it healthy. The snapshot's own rotation, and `close`,
    /// leave the health as it is while the snapshot is still to be written.
    private func checkSynced(_ waitingForSnapshot: Bool) throws(StateFileError) {
        if fsyncPolicy == .always, syncFailureWaitsForSnapshot, needsSnapshot {
            guard waitingForSnapshot else { return }
            failed.store(true, ordering: .relaxed)
            throw StateFileError("an fdatasync of the journal failed: commits wait for a state snapshot to be written")
        }
        failed.store(false, ordering: .relaxed)
    }

    /// Truncates the segment to the end of its last successful commit.
    private func cutBackToLastCommit() throws(StateFileError) {
        guard ftruncate(descriptor, off_t(segmentBytes)) == 0 else { throw StateFileError("ftruncate", path: segmentFile) }
    }

    /// Commits what is pending and starts segment `next`: records appended from now on go
    /// there. The segment left is returned open, to be forced to the disk and closed with
    /// `RetiredSegment.sync()`, which waits for the disk (a compaction calls it while the daemon
    /// scores; a snapshot of the live engine with every state change paused).
    ///
    /// Under `.always` the segment left is on the disk whole before the next one takes a record
    /// (every commit is forced, and so is the next segment's header). Under `.interval` it is
    /// forced only by `RetiredSegment.sync()`, after the lock: forcing it under the lock would
    /// stop every event loop's commit for the disk's time. So a power cut then can keep records
    /// of the next segment and lose the tail of this one, which `--fsync interval` allows (the
    /// last second); a replay sets the later segments aside when the tail is torn.
    public func rotate(to next: UInt64) throws(StateFileError) -> RetiredSegment {
        try mutex.withLock { _ throws(StateFileError) in
            // Not waiting for a snapshot: the snapshot a failed fdatasync waits for starts here.
            try commitLocked(waitingForSnapshot: false)
            let retired = RetiredSegment(descriptor: descriptor, path: segmentFile, segment: segment, journal: self)
            let leaving = segmentBytes
            // On failure (a disk full as the new segment's header is written) nothing changes:
            // records go on into the segment they were going to, and a later rotation tries again.
            try open(segment: next, after: segment)
            retiredBytes += leaving
            unsynced = false
            return retired
        }
    }

    /// A segment no longer appended to, still open.
    public struct RetiredSegment: Sendable {
        let descriptor: Int32
        let path: String
        let segment: UInt64
        /// Told of a failed fdatasync, which no later one would report again.
        let journal: Journal

        /// Forces the segment to the disk and closes it.
        public func sync() throws(StateFileError) {
            defer { Glibc.close(descriptor) }
            try journal.forceToDisk(descriptor, segment: segment, path: path)
        }
    }

    /// Commits, forces everything to the disk and stops the background fsync.
    public func close() throws(StateFileError) {
        syncTimer?.cancel()
        try mutex.withLock { _ throws(StateFileError) in
            try commitLocked(waitingForSnapshot: false)
            guard descriptor >= 0 else { return }
            try forceToDisk(descriptor, segment: segment, path: segmentFile)
            unsynced = false
        }
    }

    private func syncIfDirty() {
        let target: (descriptor: Int32, segment: UInt64)? = mutex.withLock { _ in
            guard unsynced, descriptor >= 0 else { return nil }
            unsynced = false
            return (dup(descriptor), segment)
        }
        guard let target, target.descriptor >= 0 else { return }
        // Outside the lock: commits go on while the disk catches up. A failure does not stop
        // them (this policy already accepts losing a second to a power cut); it asks for a
        // snapshot (`needsSnapshot`), after which what it covered no longer matters.
        try? forceToDisk(target.descriptor, segment: target.segment, path: segmentPath(target.segment))
        Glibc.close(target.descriptor)
    }

    /// fdatasync(2) of `descriptor`, open on `segment`: a failure is noted (`needsSnapshot`),
    /// since no later fdatasync would report it again, and thrown.
    fileprivate func forceToDisk(_ descriptor: Int32, segment: UInt64, path: String) throws(StateFileError) {
        guard fdatasync(descriptor) == 0 else {
            let error = StateFileError("fdatasync", path: path)
            syncFailed(in: segment)
            throw error
        }
    }

    /// Opens (creating with a header naming `predecessor`, or appending to) segment `number`;
    /// call under the lock or in init.
    private func open(segment number: UInt64, after predecessor: UInt64? = nil) throws(StateFileError) {
        let path = segmentPath(number)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateFileError("open", path: path) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            Glibc.close(fd)
            throw StateFileError("stat", path: path)
        }
        if status.st_size == 0 {
            do throws(StateFileError) {
                try DurableFile.writeAll(Self.header(layout: layout, after: predecessor).bytes, to: fd, path: path)
                // Under `.always` a later segment's commits are forced as they are made: this
                // header must be on the disk first, or a segment left without a record could come
                // back empty after a power cut, and a replay would set aside everything after it.
                if fsyncPolicy == .always, fdatasync(fd) != 0 { throw StateFileError("fdatasync", path: path) }
                try DurableFile.syncDirectory(of: path)
            } catch {
                // Not left behind, not even empty: a reader following the segments (the
                // archiver) takes a newer segment's file as the sign that this one's writer has
                // moved on, and would finish with (and delete) the segment still written to.
                // Nor with part of a header, which a later open would append after.
                unlink(path)
                Glibc.close(fd)
                throw error
            }
        }
        descriptor = fd
        segment = number
        segmentFile = path
        segmentBytes = max(Int(status.st_size), FileHeader.length)
    }

    /// A segment's header: this build's format, the record layout it was written under, and
    /// the segment it follows (`chainWord`).
    static func header(layout: UInt64, after predecessor: UInt64?) -> FileHeader {
        FileHeader(magic: magic, format: format, word: chainWord(after: predecessor), value: layout)
    }

    /// The header word that chains a segment to the one it follows: that segment's number plus
    /// one, so that a replay can tell a segment missing in between (lost in a copy or restore)
    /// from the numbers a snapshot skips. 0, not checked, where the predecessor is not known (a
    /// segment opened afresh, one written before December 2026) or too large for the word.
    static func chainWord(after predecessor: UInt64?) -> UInt32 {
        guard let predecessor, predecessor < UInt64(UInt32.max) else { return 0 }
        return UInt32(predecessor + 1)
    }

    /// The segment a header says it follows, if it says (`chainWord`).
    static func predecessor(in header: FileHeader) -> UInt64? {
        header.word == 0 ? nil : UInt64(header.word) - 1
    }

    func segmentPath(_ number: UInt64) -> String { Self.segmentPath(number, in: directory) }

    /// The path of segment `number`'s file in `directory`.
    package static func segmentPath(_ number: UInt64, in directory: String) -> String {
        directory + "/" + names.name(number)
    }

    /// Creates `directory` for segments if it is missing.
    public static func makeDirectory(_ directory: String) throws(StateFileError) {
        try DurableFile.makeDirectory(directory)
    }

    /// The segment numbers present in `directory`, ascending.
    public static func segments(in directory: String) throws(StateFileError) -> [UInt64] {
        try DurableFile.list(directory).compactMap { name -> UInt64? in
            name.hasSuffix(names.suffix) ? names.number(in: name) : nil
        }.sorted()
    }

    /// Deletes the segments numbered below `segment`.
    public static func removeSegments(before segment: UInt64, in directory: String) throws(StateFileError) {
        for number in try segments(in: directory) where number < segment {
            unlink(segmentPath(number, in: directory))
        }
    }
}
