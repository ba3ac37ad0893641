#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Journal {
    /// What a replay read, and what it dropped.
    public struct ReplayReport: Sendable, Equatable {
        /// Records handed to the caller.
        public var records = 0
        /// Segments read.
        public var segments: [UInt64] = []
        /// Torn or corrupt tails cut off: the segment, the offset of the first bad byte and how
        /// many bytes followed it.
        public var truncated: [Truncation] = []
        /// Segments after a cut one, or from one that follows a missing segment, not replayed
        /// and set aside (renamed `…` + `Journal.unreplayedSuffix`): their records came after a gap.
        public var setAside: [UInt64] = []
        /// The segment found missing, that a later one follows; nil when none was.
        public var missing: UInt64?

        /// A report of nothing read yet.
        public init() {}

        /// A tail cut off one segment.
        public struct Truncation: Sendable, Equatable {
            /// The segment.
            public var segment: UInt64
            /// Where its last good record ended.
            public var offset: Int
            /// Bytes dropped after it.
            public var droppedBytes: Int
            /// Why: cut short, or a checksum that does not match.
            public var reason: String
        }
    }

    /// A journal that a replay which may not repair it (`repairing: false`) found damaged: a
    /// segment cut short, or a record whose checksum does not match.
    public struct Damaged: Error, CustomStringConvertible {
        /// Which segment, where, and why.
        public var description: String
    }

    /// What a segment not replayed because it came after a gap is renamed with, appended to its name.
    public static let unreplayedSuffix = ".unreplayed"

    /// A journal written under another record layout: whole, but not this build's to read.
    public struct OtherLayout: Error, CustomStringConvertible {
        /// Which segment, and both layouts.
        public var description: String
    }

    /// Reads every record of the segments numbered `from` or later (and before `end`, if given)
    /// in `directory`, oldest first, and hands each to `apply`.
    ///
    /// Replay stops at the first record missing. A segment whose tail is torn (a record cut
    /// short by a crash) or corrupt (checksum mismatch) is read up to its last good record and,
    /// when `repairing`, truncated there (and forced to the disk), so appending resumes on a
    /// clean end; any later segment is not replayed, as its records came after the gap, and is
    /// set aside for a post-mortem (renamed with `unreplayedSuffix`). The report says what was
    /// dropped. Without `repairing` nothing is changed on the disk and such damage throws
    /// `Damaged` after the records before it were applied. A segment of another layout throws
    /// `OtherLayout`.
    public static func replay(
        from first: UInt64, before end: UInt64 = .max, in directory: String, layout: UInt64, repairing: Bool = true,
        apply: (_ kind: UInt8, _ payload: UnsafeRawBufferPointer) throws -> Void
    ) throws -> ReplayReport {
        var report = ReplayReport()
        let chosen = try segments(in: directory).filter { $0 >= first && $0 < end }
        for segment in chosen {
            let path = segmentPath(segment, in: directory)
            let bytes = try DurableFile.read(path)
            if let missing = missingSegment(before: segment, header: bytes, replayed: report.segments.last, from: first) {
                // Its records came after a gap: set aside with every later one, nothing cut.
                guard repairing else {
                    throw Damaged(description: "\(path) follows segment \(missing), which is missing")
                }
                try setAside(chosen.filter { $0 >= segment }, in: directory, report: &report)
                report.missing = missing
                break
            }
            report.segments.append(segment)
            var offset = 0
            var problem: String?
            if try checkHeader(of: bytes, path: path, layout: layout) {
                offset = FileHeader.length
            } else {
                problem = bytes.isEmpty ? "empty" : "no journal header"
            }
            if problem == nil {
                let scan = try scanRecords(bytes, from: offset) { kind, payload, _ in
                    try apply(kind, payload)
                    report.records += 1
                }
                offset = scan.end
                problem = scan.problem
            }
            guard let problem else { continue }
            guard repairing else {
                throw Damaged(description: "\(path): \(problem) at byte \(offset) of \(bytes.count)")
            }
            report.truncated.append(.init(segment: segment, offset: offset, droppedBytes: bytes.count - offset, reason: problem))
            // The later segments go aside first, durably: cut first, a crash in between would
            // leave this segment looking whole, and the next replay would apply them past the gap.
            try setAside(chosen.filter { $0 > segment }, in: directory, report: &report)
            if offset == 0 {
                // Not even a header: the segment is rewritten empty by the next open.
                unlink(path)
            } else {
                try DurableFile.truncate(path, to: offset)
            }
            break
        }
        return report
    }

    /// Renames `segments` with `unreplayedSuffix`, durably, and notes them in `report`.
    private static func setAside(_ segments: [UInt64], in directory: String, report: inout ReplayReport) throws {
        guard let first = segments.first else { return }
        for segment in segments {
            let path = segmentPath(segment, in: directory)
            // A segment number can come back after a set-aside: an earlier post-mortem stays.
            let aside = DurableFile.unusedName(path + unreplayedSuffix)
            if rename(path, aside) != 0 { throw StateFileError("rename", path: path) }
            report.setAside.append(segment)
        }
        try DurableFile.syncDirectory(of: segmentPath(first, in: directory))
    }

    /// The segment missing before `segment`, whose `header` (its first bytes) names the segment
    /// it follows: one that is not the segment replayed just before it, or, for the first
    /// segment of a replay from `first` (a snapshot's number), one from `first` on that is not
    /// there. Nil when none is missing, or the header names none (`chainWord`).
    static func missingSegment(before segment: UInt64, header: [UInt8], replayed previous: UInt64?, from first: UInt64) -> UInt64? {
        guard let found = FileHeader(reading: header, magic: magic), let predecessor = predecessor(in: found) else { return nil }
        if let previous { return predecessor == previous ? nil : predecessor }
        return predecessor >= first && predecessor < segment ? predecessor : nil
    }

    /// Whether `bytes` (a segment's, from its start) begin with a journal header; throws
    /// `OtherLayout` for the header of another format or record layout.
    static func checkHeader(of bytes: [UInt8], path: String, layout: UInt64) throws(OtherLayout) -> Bool {
        guard let found = FileHeader(reading: bytes, magic: magic) else { return false }
        guard found.format == format, found.value == layout else {
            throw OtherLayout(
                description: "\(path): journal format \(found.format), layout \(String(found.value, radix: 16)); "
                    + "this build writes format \(format), layout \(String(layout, radix: 16))")
        }
        return true
    }

    /// Where a scan of a segment's bytes stopped, and why if not at their end.
    struct RecordScan {
        /// The offset just past the last good record.
        var end: Int
        /// Why the scan stopped short of the end: a record cut short, or a checksum that does not match.
        var problem: String?
        /// Whether it stopped at a record cut short (which more bytes may complete).
        var isCutShort = false
    }

    /// Reads the records in `bytes` from `offset` on, handing each to `apply` with the offset
    /// just past it, up to the end of the bytes, the first record cut short or corrupt, or
    /// `limit` records.
    static func scanRecords(
        _ bytes: [UInt8], from start: Int, limit: Int = .max,
        apply: (_ kind: UInt8, _ payload: UnsafeRawBufferPointer, _ end: Int) throws -> Void
    ) rethrows -> RecordScan {
        var offset = start
        var records = 0
        while offset < bytes.count, records < limit {
            records += 1
            guard bytes.count - offset >= recordOverhead else {
                return RecordScan(end: offset, problem: "cut short inside a record header", isCutShort: true)
            }
            let (length, checksum) = bytes.withUnsafeBytes {
                (Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self))),
                 UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
            }
            guard length <= maximumPayload, bytes.count - offset - recordOverhead >= length else {
                guard length <= maximumPayload else { return RecordScan(end: offset, problem: "a record length of \(length)") }
                return RecordScan(end: offset, problem: "cut short inside a record", isCutShort: true)
            }
            let kindOffset = offset + recordOverhead - 1
            let end = kindOffset + 1 + length
            let valid = bytes.withUnsafeBytes { raw in
                Journal.checksum(kind: raw[kindOffset], payload: UnsafeRawBufferPointer(rebasing: raw[kindOffset + 1..<end])) == checksum
            }
            guard valid else { return RecordScan(end: offset, problem: "checksum mismatch") }
            try bytes.withUnsafeBytes { raw in
                try apply(raw[kindOffset], UnsafeRawBufferPointer(rebasing: raw[kindOffset + 1..<end]), end)
            }
            offset = end
        }
        return RecordScan(end: offset, problem: nil)
    }
}
