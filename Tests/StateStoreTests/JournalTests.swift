import Foundation
import ScoringTestSupport
import StateStore
import Testing

@Suite("Journal: every record back, a torn tail cut at the last good one")
struct JournalTests {
    static let layout: UInt64 = 0x5EED

    /// Records of varied sizes: record `i` is `i` bytes of `i`.
    static func write(_ count: Int, to directory: String, segment: UInt64 = 0) throws {
        let journal = try Journal(directory: directory, segment: segment, layout: layout, fsyncPolicy: .never)
        for index in 0..<count {
            append(index, to: journal)
            if index % 7 == 0 { try journal.commit() }
        }
        try journal.close()
    }

    /// Appends record `index`: `index` bytes of `index`, of kind `index % 3`.
    static func append(_ index: Int, to journal: Journal) {
        [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index).withUnsafeBytes {
            journal.append(kind: UInt8(index % 3), payload: $0)
        }
    }

    static func replay(_ directory: String, from segment: UInt64 = 0) throws -> ([[UInt8]], Journal.ReplayReport) {
        var records: [[UInt8]] = []
        let report = try Journal.replay(from: segment, in: directory, layout: layout) { kind, payload in
            #expect(Int(kind) == records.count % 3)
            records.append(Array(payload))
        }
        return (records, report)
    }

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a commit that fails (a full disk) keeps its records for the next, and what a cut-short write left is cut away first")
    func failedCommitRetriesCleanly() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 0, layout: Self.layout, fsyncPolicy: .never)
        func append(_ index: Int) { Self.append(index, to: journal) }
        for index in 0..<3 { append(index) }
        try journal.commit()
        let disk = try FullDisk(directory: path, prefix: "journal-")
        try disk.fill()
        for index in 3..<5 { append(index) }
        #expect(throws: StateFileError.self) { try journal.commit() }
        #expect(!journal.isHealthy)
        // What a write cut short by the full disk would have left at the end of the file.
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: disk.path))
        try file.seekToEnd()
        try file.write(contentsOf: [0x40, 0x00, 0x00, 0x00, 0x01, 0x02])
        try file.close()
        try disk.free()
        for index in 5..<7 { append(index) }
        try journal.commit()
        #expect(journal.isHealthy)
        try journal.close()
        let (records, report) = try Self.replay(path)
        #expect(records == (0..<7).map { [UInt8](repeating: UInt8($0), count: $0) })
        #expect(report.truncated.isEmpty, "\(report.truncated)")
    }

    /// A journal in `path` holding records 0..<`committed`, committed, whose fdatasyncs fail
    /// from now on (until the returned disk is freed).
    static func journalFailingSyncs(
        in path: String, _ policy: FsyncPolicy, waitsForSnapshot: Bool = false, committed: Int
    ) throws -> (Journal, FullDisk) {
        let journal = try Journal(
            directory: path, segment: 0, layout: layout, fsyncPolicy: policy, syncFailureWaitsForSnapshot: waitsForSnapshot)
        for index in 0..<committed { append(index, to: journal) }
        try journal.commit()
        let disk = try FullDisk(directory: path, prefix: "journal-")
        try disk.failSyncs()
        return (journal, disk)
    }

    /// Waits (bounded) until the background fdatasync of `.interval` has failed.
    static func waitForSyncFailure(of journal: Journal) throws {
        for _ in 0..<200 where journal.syncFailures == 0 { usleep(50_000) }
        try #require(journal.syncFailures > 0, "the background fdatasync never failed")
    }

    @Test("with .interval, a failed background fdatasync does not stop commits; it asks for a snapshot, which a later one answers")
    func intervalSyncFailureAsksForSnapshot() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (journal, disk) = try Self.journalFailingSyncs(in: path, .interval, committed: 3)
        Self.append(3, to: journal)
        try journal.commit()
        try Self.waitForSyncFailure(of: journal)
        try disk.free()
        #expect(journal.isHealthy, "commits go on: this policy already accepts a second's loss to a power cut")
        #expect(journal.needsSnapshot)
        Self.append(4, to: journal)
        try journal.commit()
        #expect(journal.isHealthy)
        // A snapshot that ends before the failed segment does not cover it; one after it does.
        journal.snapshotWritten(before: journal.segment)
        #expect(journal.needsSnapshot)
        journal.snapshotWritten(before: journal.segment + 1)
        #expect(!journal.needsSnapshot)
        try journal.close()
    }

    @Test("with .always, a failed fdatasync holds every commit (answers wait) until a snapshot after it is written")
    func alwaysSyncFailureWaitsForSnapshot() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (journal, disk) = try Self.journalFailingSyncs(in: path, .always, waitsForSnapshot: true, committed: 2)
        Self.append(2, to: journal)
        #expect(throws: StateFileError.self) { try journal.commit() }
        try disk.free()
        #expect(!journal.isHealthy)
        #expect(journal.needsSnapshot)
        #expect(journal.syncFailures == 1)
        // Nothing pending, and the fdatasync would pass now: still not known to be on the disk.
        #expect(throws: StateFileError.self) { try journal.commit() }
        #expect(!journal.isHealthy)
        // The snapshot's own rotation goes ahead, and once it is written commits pass again.
        try journal.rotate(to: 1).sync()
        journal.snapshotWritten(before: 1)
        Self.append(3, to: journal)
        try journal.commit()
        #expect(journal.isHealthy)
        #expect(!journal.needsSnapshot)
        try journal.close()
    }

    @Test("without a snapshot to wait for (the decision log's lanes), a failed fdatasync fails its commit only")
    func alwaysSyncFailureWithoutSnapshots() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (journal, disk) = try Self.journalFailingSyncs(in: path, .always, committed: 1)
        Self.append(1, to: journal)
        #expect(throws: StateFileError.self) { try journal.commit() }
        try disk.free()
        Self.append(2, to: journal)
        try journal.commit()
        #expect(journal.isHealthy)
        try journal.close()
    }

    @Test("a rotation whose new segment cannot be opened changes nothing: records go on into the old segment, and a later rotation succeeds")
    func failedRotationKeepsTheSegment() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 0, layout: Self.layout, fsyncPolicy: .never)
        for index in 0..<3 { Self.append(index, to: journal) }
        // Segment 1's name taken by a directory: opening it fails, as a full disk or EMFILE would.
        let blocker = path + "/journal-0000000000000001.log"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        #expect(throws: StateFileError.self) { _ = try journal.rotate(to: 1) }
        #expect(journal.segment == 0 && journal.isHealthy)
        for index in 3..<5 { Self.append(index, to: journal) }
        try journal.commit()
        #expect(journal.isHealthy)
        try FileManager.default.removeItem(atPath: blocker)
        try journal.rotate(to: 1).sync()
        for index in 5..<7 { Self.append(index, to: journal) }
        try journal.close()
        #expect(try Journal.segments(in: path) == [0, 1])
        let (records, report) = try Self.replay(path)
        #expect(records == (0..<7).map { [UInt8](repeating: UInt8($0), count: $0) })
        #expect(report.truncated.isEmpty, "\(report.truncated)")
    }

    @Test("a rotation whose new segment's header cannot be written (a full disk) leaves no file behind")
    func failedHeaderLeavesNoSegment() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 0, layout: Self.layout, fsyncPolicy: .never)
        for index in 0..<3 { Self.append(index, to: journal) }
        // Segment 1's name leads to /dev/full: it opens, and the header's write fails with ENOSPC.
        try FileManager.default.createSymbolicLink(atPath: Journal.segmentPath(1, in: path), withDestinationPath: "/dev/full")
        #expect(throws: StateFileError.self) { _ = try journal.rotate(to: 1) }
        // A newer segment's file tells a follower (the archiver) that segment 0 is finished.
        #expect(try Journal.segments(in: path) == [0])
        for index in 3..<5 { Self.append(index, to: journal) }
        try journal.close()
        let (records, _) = try Self.replay(path)
        #expect(records.count == 5)
    }

    @Test("records come back in order, across segments, from the segment asked for")
    func roundTrip() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 3, layout: Self.layout, fsyncPolicy: .always)
        for index in 0..<10 {
            [UInt8(index)].withUnsafeBytes { journal.append(kind: 0, payload: $0) }
            if index == 4 { try journal.rotate(to: 4).sync() }
        }
        try journal.close()
        #expect(try Journal.segments(in: path) == [3, 4])
        var seen: [UInt8] = []
        let report = try Journal.replay(from: 0, in: path, layout: Self.layout) { _, payload in seen.append(payload[0]) }
        #expect(seen == Array(0..<10))
        #expect(report.records == 10 && report.truncated.isEmpty)
        var later: [UInt8] = []
        _ = try Journal.replay(from: 4, in: path, layout: Self.layout) { _, payload in later.append(payload[0]) }
        #expect(later == Array(5..<10))
        try Journal.removeSegments(before: 4, in: path)
        #expect(try Journal.segments(in: path) == [4])
    }

    @Test("records built in place, in room larger than they use, read back as appended, mixed with copied ones, past the buffer's first size")
    func inPlaceAppend() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 0, layout: Self.layout, fsyncPolicy: .never)
        // 3,000 records of up to 299 bytes between two commits: well past the pending buffer's first 64 KiB.
        var expected: [[UInt8]] = []
        for index in 0..<3_000 {
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index % 300)
            expected.append(payload)
            if index % 2 == 0 {
                journal.append(kind: UInt8(index % 3), maximumPayload: 1_000) { room in
                    #expect(room.count == 1_000)
                    payload.withUnsafeBytes { room.copyMemory(from: $0) }
                    return payload.count
                }
            } else {
                payload.withUnsafeBytes { journal.append(kind: UInt8(index % 3), payload: $0) }
            }
            if index == 2_999 || index == 10 { try journal.commit() }
        }
        try journal.close()
        let (records, report) = try Self.replay(path)
        #expect(records == expected)
        #expect(report.records == expected.count && report.truncated.isEmpty)
    }

    @Test("a log cut at any byte gives back exactly the whole records before the cut, and is truncated there")
    func tornTail() throws {
        let source = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: source) }
        try Self.write(40, to: source)
        let file = source + "/journal-0000000000000000.log"
        let whole = try Data(contentsOf: URL(fileURLWithPath: file))
        // Where each record ends, from a clean replay.
        let (all, _) = try Self.replay(source)
        #expect(all.count == 40)
        for cut in stride(from: 24, to: whole.count, by: 37) {
            try whole.prefix(cut).write(to: URL(fileURLWithPath: file))
            let (records, report) = try Self.replay(source)
            #expect(records == Array(all.prefix(records.count)))
            let end = 24 + records.enumerated().reduce(0) { $0 + 9 + $1.element.count }
            #expect(end <= cut && cut - end < 9 + records.count + 1, "cut \(cut): \(records.count) records end at \(end)")
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int
            #expect(size == end, "truncated at the last good record")
            if end < cut { #expect(report.truncated.first?.droppedBytes == cut - end) }
        }
    }

    @Test("a corrupt record ends the segment there; appending after recovery goes on cleanly")
    func corruptRecord() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write(20, to: path)
        let file = path + "/journal-0000000000000000.log"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count - 30] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: file))
        let (records, report) = try Self.replay(path)
        #expect(records.count < 20 && report.truncated.first?.reason == "checksum mismatch")
        // The recovered segment takes new records after its last good one.
        let journal = try Journal(directory: path, segment: 0, layout: Self.layout, fsyncPolicy: .never)
        [UInt8](repeating: 9, count: 3).withUnsafeBytes { journal.append(kind: UInt8(records.count % 3), payload: $0) }
        try journal.close()
        let (again, clean) = try Self.replay(path)
        #expect(again.count == records.count + 1 && clean.truncated.isEmpty)
    }

    @Test("damage in a segment ends the replay there: later segments are set aside unreplayed, or, when not repairing, nothing is touched")
    func damageBeforeLaterSegments() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 3, layout: Self.layout, fsyncPolicy: .never)
        for index in 0..<30 {
            Self.append(index, to: journal)
            if index == 9 || index == 19 { try journal.rotate(to: index == 9 ? 4 : 5).sync() }
        }
        try journal.close()
        let damaged = Journal.segmentPath(4, in: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes[bytes.count - 30] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()

        var seen = 0
        #expect(throws: Journal.Damaged.self) {
            try Journal.replay(from: 0, in: path, layout: Self.layout, repairing: false) { _, _ in seen += 1 }
        }
        #expect(seen > 10 && seen < 20, "records before the damage were read: \(seen)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).sorted() == files)
        #expect(try Data(contentsOf: URL(fileURLWithPath: damaged)) == bytes, "not repairing, nothing is cut")

        let (records, report) = try Self.replay(path)
        #expect(records.count == seen, "nothing after the damage, in segment 4 or after it")
        #expect(report.truncated.map(\.segment) == [4] && report.setAside == [5])
        #expect(try Journal.segments(in: path) == [3, 4])
        #expect(FileManager.default.fileExists(atPath: Journal.segmentPath(5, in: path) + Journal.unreplayedSuffix))
        // Appending resumes after the last good record, and a replay then finds no gap.
        let resumed = try Journal(directory: path, segment: 4, layout: Self.layout, fsyncPolicy: .never)
        Self.append(records.count, to: resumed)
        try resumed.close()
        let (again, clean) = try Self.replay(path)
        #expect(again.count == records.count + 1 && clean.truncated.isEmpty && clean.setAside.isEmpty)

        // Segment 5 comes back, and is set aside again behind new damage in 4: both post-mortems stay.
        let aside = Journal.segmentPath(5, in: path) + Journal.unreplayedSuffix
        let first = try Data(contentsOf: URL(fileURLWithPath: aside))
        let reopened = try Journal(directory: path, segment: 4, layout: Self.layout, fsyncPolicy: .never)
        try reopened.rotate(to: 5).sync()
        Self.append(records.count + 1, to: reopened)
        try reopened.close()
        var segment4 = try Data(contentsOf: URL(fileURLWithPath: damaged))
        segment4[segment4.count - 10] ^= 0x40
        try segment4.write(to: URL(fileURLWithPath: damaged))
        let (_, twice) = try Self.replay(path)
        #expect(twice.setAside == [5])
        #expect(try Data(contentsOf: URL(fileURLWithPath: aside)) == first, "the first post-mortem was kept")
        #expect(FileManager.default.fileExists(atPath: aside + ".2"))
    }

    @Test("a segment missing between two (lost in a copy or a restore) ends the replay before the one that follows it; numbers a snapshot skipped are no gap")
    func missingSegmentEndsTheReplay() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Segments 3, 4, 5 and 8: 8 follows 5 (a snapshot took the numbers between).
        let journal = try Journal(directory: path, segment: 3, layout: Self.layout, fsyncPolicy: .never)
        for index in 0..<40 {
            Self.append(index, to: journal)
            if index % 10 == 9, index < 39 { try journal.rotate(to: [9: 4, 19: 5, 29: 8][index]!).sync() }
        }
        try journal.close()
        let whole = try Self.replay(path)
        #expect(whole.0.count == 40 && whole.1.missing == nil && whole.1.setAside.isEmpty, "skipped numbers are no gap")
        #expect(try Self.replay(path, from: 6).0.count == 10, "from a snapshot between 5 and 8: 8 alone")

        try FileManager.default.removeItem(atPath: Journal.segmentPath(4, in: path))
        #expect(throws: Journal.Damaged.self) {
            try Journal.replay(from: 0, in: path, layout: Self.layout, repairing: false) { _, _ in }
        }
        // From a snapshot at 4, whose own segment is the one missing.
        #expect(throws: Journal.Damaged.self) {
            try Journal.replay(from: 4, in: path, layout: Self.layout, repairing: false) { _, _ in }
        }
        #expect(try Journal.segments(in: path) == [3, 5, 8], "not repairing, nothing moves")

        let (records, report) = try Self.replay(path)
        #expect(records.count == 10, "segment 3 alone")
        #expect(report.missing == 4 && report.setAside == [5, 8] && report.truncated.isEmpty)
        #expect(try Journal.segments(in: path) == [3])
        for later: UInt64 in [5, 8] {
            #expect(FileManager.default.fileExists(atPath: Journal.segmentPath(later, in: path) + Journal.unreplayedSuffix))
        }
    }

    @Test("bytes since the last snapshot count every segment rotated away until a snapshot is written")
    func bytesSinceSnapshot() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path, segment: 1, layout: Self.layout, fsyncPolicy: .never)
        for index in 0..<20 { Self.append(index, to: journal) }
        try journal.commit()
        let first = journal.bytesInSegment
        #expect(journal.bytesSinceSnapshot == first)
        // A compaction that rotates and then fails leaves its segment to count.
        try journal.rotate(to: 2).sync()
        for index in 0..<5 { Self.append(index, to: journal) }
        #expect(journal.bytesSinceSnapshot == first + journal.bytesInSegment)
        try journal.rotate(to: 3).sync()
        journal.snapshotWritten(before: 3)
        #expect(journal.bytesSinceSnapshot == journal.bytesInSegment)
        try journal.close()
    }

    @Test("a journal of another layout is refused, not replayed")
    func otherLayout() throws {
        let path = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.write(3, to: path)
        #expect(throws: Journal.OtherLayout.self) {
            try Journal.replay(from: 0, in: path, layout: Self.layout + 1) { _, _ in }
        }
    }
}
