#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows a journal that another thread or process appends to: reads the records after a
/// position, oldest first, and says where it stopped, so a reader (the archive) can keep its
/// own position and resume there after a restart.
///
/// Unlike `Journal.replay` it never changes a file. A record not yet whole in the newest
/// segment is left for the next read: the writer may be in the middle of it. The same in an
/// older segment is a torn tail (the writer was killed and, started again, went on in a new
/// segment): it is skipped, and the read says how many bytes were dropped. A corrupt record in
/// the newest segment is reported (`Progress.stuck`), so the writer can be asked to move on.
public enum JournalTail {
    /// A place in a journal: a segment and a byte offset in it (0: before its header).
    public struct Position: Sendable, Equatable, Comparable, CustomStringConvertible {
        /// The segment number.
        public var segment: UInt64
        /// Bytes into the segment file.
        public var offset: Int

        /// The position `offset` bytes into `segment`.
        public init(segment: UInt64, offset: Int) {
            self.segment = segment
            self.offset = offset
        }

        /// Before everything.
        public static let start = Position(segment: 0, offset: 0)

        public static func < (lhs: Position, rhs: Position) -> Bool {
            (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
        }

        public var description: String { "segment \(segment) offset \(offset)" }
    }

    /// What one read did.
    public struct Progress: Sendable, Equatable {
        /// Where the next read starts.
        public var position: Position
        /// Records handed to the caller.
        public var records = 0
        /// Torn tails skipped in older segments.
        public var dropped: [Journal.ReplayReport.Truncation] = []
        /// A record in the newest segment that will never read (its checksum does not match, or
        /// its length is one no record has), where the read stopped: unlike a record cut short,
        /// no writer completes it. Nothing after it is read until a newer segment exists, and
        /// then the rest of this one is skipped as in an older segment.
        public var stuck: Journal.ReplayReport.Truncation?
        /// Whether the position was past every segment there (the log was deleted and made
        /// anew, or restored from an older copy): the read started again at the first segment.
        public var restarted = false
    }

    /// The most bytes one read takes from a segment: a bound on the reader's memory.
    public static let chunkBytes = 4 << 20

    /// Reads the records after `position` in `directory`, up to about `maximumRecords` of them,
    /// handing each to `apply` with the position just past it.
    ///
    /// A segment of another format or layout (another build's) is skipped whole and reported in
    /// `dropped`, as a damaged one is: this build can never read it.
    public static func read(
        after position: Position, in directory: String, layout: UInt64, maximumRecords: Int = .max,
        apply: (_ kind: UInt8, _ payload: UnsafeRawBufferPointer, _ end: Position) throws -> Void
    ) throws -> Progress {
        var progress = Progress(position: position)
        let segments = try Journal.segments(in: directory)
        // A position in a segment that is gone (the writer never made it, or it was removed) moves on.
        if !segments.contains(progress.position.segment), let next = segments.first(where: { $0 > progress.position.segment }) {
            progress.position = Position(segment: next, offset: 0)
        } else if let newest = segments.last, newest < progress.position.segment {
            // Past the newest segment: the writer started the log again from its first segment
            // (nothing renumbers one downwards). Waiting for the old number would leave all it
            // writes unread, and the segments below the position would be taken as read.
            progress.position = Position(segment: segments[0], offset: 0)
            progress.restarted = true
        }
        while progress.records < maximumRecords, segments.contains(progress.position.segment) {
            let segment = progress.position.segment
            let isNewest = segment == segments.last
            let path = Journal.segmentPath(segment, in: directory)
            var start = progress.position.offset
            var bytes = try DurableFile.read(path, from: start, limit: chunkBytes)
            // Whether this read reached the end of what the file holds now.
            let atEnd = bytes.count < chunkBytes
            let hasHeader: Bool
            do {
                // Checked on every visit, not only from the start: a position another build
                // saved part-way into its own segment must not be read with this build's records.
                let header = start == 0 ? bytes : try DurableFile.read(path, limit: FileHeader.length)
                hasHeader = try Journal.checkHeader(of: header, path: path, layout: layout)
            } catch let other as Journal.OtherLayout {
                // Written by another build, which this one can never read: skipped whole and
                // counted, so that one such segment (a crash, then an upgrade) cannot stop the reader.
                let size = DurableFile.size(of: path)
                if size > start {
                    progress.dropped.append(.init(segment: segment, offset: start, droppedBytes: size - start, reason: other.description))
                }
                guard let next = segments.first(where: { $0 > segment }) else {
                    progress.position = Position(segment: segment, offset: max(size, start))
                    return progress
                }
                progress.position = Position(segment: next, offset: 0)
                continue
            }
            if start == 0 {
                guard hasHeader else {
                    // No header yet (the writer is making the file) or none at all (damaged).
                    if isNewest { return progress }
                    progress.dropped.append(
                        .init(segment: segment, offset: 0, droppedBytes: max(DurableFile.size(of: path), bytes.count), reason: "no journal header"))
                    progress.position = Position(segment: segments.first { $0 > segment }!, offset: 0)
                    continue
                }
                bytes.removeFirst(FileHeader.length)
                start = FileHeader.length
                progress.position.offset = start
            }
            let scan = try Journal.scanRecords(bytes, from: 0, limit: maximumRecords - progress.records) { kind, payload, end in
                let after = Position(segment: segment, offset: start + end)
                try apply(kind, payload, after)
                progress.records += 1
                progress.position = after
            }
            if progress.records >= maximumRecords { break }
            // More of this segment than one chunk: read on from the last whole record.
            if !atEnd, scan.end > 0, scan.problem == nil || scan.isCutShort { continue }
            // The writer may still be writing here.
            if isNewest {
                if let problem = scan.problem, !scan.isCutShort {
                    let offset = start + scan.end
                    progress.stuck = .init(
                        segment: segment, offset: offset, droppedBytes: max(DurableFile.size(of: path) - offset, 0), reason: problem)
                }
                return progress
            }
            if let problem = scan.problem {
                // The rest of the segment, not only of this read, is skipped.
                let droppedBytes = max(DurableFile.size(of: path) - (start + scan.end), bytes.count - scan.end)
                progress.dropped.append(.init(segment: segment, offset: start + scan.end, droppedBytes: droppedBytes, reason: problem))
            }
            progress.position = Position(segment: segments.first { $0 > segment }!, offset: 0)
        }
        return progress
    }

    /// The bytes in `directory`'s segments from `position` on: what a reader there has yet to read.
    public static func backlog(after position: Position, in directory: String) throws(StateFileError) -> Int {
        var total = 0
        for segment in try Journal.segments(in: directory) where segment >= position.segment {
            let size = DurableFile.size(of: Journal.segmentPath(segment, in: directory))
            total += max(size - (segment == position.segment ? position.offset : 0), 0)
        }
        return total
    }
}
