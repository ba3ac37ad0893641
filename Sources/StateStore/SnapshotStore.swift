/// Numbered snapshot files in a state directory: each one whole or absent, checksummed, and the
/// one before it kept until a newer one is safely written.
///
/// A file is `snapshot-<sequence>.state`: a `FileHeader` (magic `STRMSNAP`, file format,
/// CRC-32C of the payload, payload length), then the payload. What the payload
/// holds is the caller's (`RiskEngine.writeState(to:)`); this type only guarantees it comes
/// back exactly as written, or not at all.
public struct SnapshotStore: Sendable {
    /// One snapshot file.
    public struct Snapshot: Sendable, Equatable {
        /// Its number: later snapshots have larger ones.
        public var sequence: UInt64
        /// Its path.
        public var path: String
    }

    /// A snapshot that is not whole: cut short, overwritten, or not a snapshot at all.
    public struct DamagedSnapshot: Error, CustomStringConvertible {
        /// What is wrong with which file.
        public var description: String
    }

    /// A whole snapshot file of another file format (another build's): not damaged, and not
    /// this build's to read. Loading an older snapshot in its place would go back in time.
    public struct OtherFormat: Error, CustomStringConvertible {
        /// Which file, and both formats.
        public var description: String
    }

    /// The directory the snapshots live in.
    public let directory: String
    /// Snapshots kept: the newest and the ones before it, for when the newest proves damaged.
    public let retained: Int

    static let magic = Array("STRMSNAP".utf8)
    static let fileFormat: UInt32 = 1
    private static let names = SequencedFileName(prefix: "snapshot-", suffix: ".state")

    /// A store in `directory`, which is created (mode 0700) if missing.
    public init(directory: String, retained: Int = 2) throws(StateFileError) {
        try DurableFile.makeDirectory(directory)
        self.directory = directory
        self.retained = max(retained, 1)
    }

    /// The snapshots present, newest first.
    public func snapshots() throws(StateFileError) -> [Snapshot] {
        try DurableFile.list(directory).compactMap { name -> Snapshot? in
            guard name.hasSuffix(Self.names.suffix), let sequence = Self.names.number(in: name) else { return nil }
            return Snapshot(sequence: sequence, path: directory + "/" + name)
        }.sorted { $0.sequence > $1.sequence }
    }

    /// Removes what writes cut short by a crash left (`snapshot-<n>.state.tmp`, never a whole
    /// snapshot, and each as large as one); returns how many. Only for the directory's one
    /// writer, at its start (`DirectoryLock`): beside a writer at work it would remove the
    /// snapshot being written.
    public func removeUnfinished() throws(StateFileError) -> Int {
        let unfinished = try DurableFile.list(directory).filter {
            $0.hasPrefix(Self.names.prefix) && $0.hasSuffix(Self.names.suffix + DurableFile.temporarySuffix)
        }
        for name in unfinished { unlink(directory + "/" + name) }
        return unfinished.count
    }

    /// The number the next snapshot gets: past every one ever written here, set aside or not,
    /// so a new snapshot never takes the name of one kept for a post-mortem.
    public func nextSequence() throws(StateFileError) -> UInt64 {
        (try DurableFile.list(directory).compactMap(Self.names.number(in:)).max() ?? 0) + 1
    }

    /// Writes `payload` as snapshot `sequence` (by default the next), durably, then removes all
    /// but the `retained` newest. Returns the snapshot written.
    @discardableResult
    public func write(_ payload: [UInt8], sequence requested: UInt64? = nil) throws(StateFileError) -> Snapshot {
        let sequence: UInt64
        if let requested { sequence = requested } else { sequence = try nextSequence() }
        let existing = try snapshots().filter { $0.sequence < sequence }
        let snapshot = Snapshot(sequence: sequence, path: directory + "/" + Self.names.name(sequence))
        let header = FileHeader(
            magic: Self.magic, format: Self.fileFormat, word: payload.withUnsafeBytes { CRC32C.checksum($0) },
            value: UInt64(payload.count))
        try DurableFile.write([header.bytes, payload], to: snapshot.path)
        for old in existing.dropFirst(retained - 1) {
            unlink(old.path)
        }
        return snapshot
    }

    /// The payload of `snapshot`, checked against its header: its length and checksum. Throws
    /// `DamagedSnapshot` when it is not whole, `OtherFormat` for another build's file, and
    /// `StateFileError` when it cannot be read at all.
    public func read(_ snapshot: Snapshot) throws -> [UInt8] {
        let bytes = try DurableFile.read(snapshot.path)
        func damaged(_ what: String) -> DamagedSnapshot { DamagedSnapshot(description: "\(snapshot.path): \(what)") }
        guard let header = FileHeader(reading: bytes, magic: Self.magic) else {
            throw damaged("not a snapshot (no STRMSNAP header)")
        }
        guard header.format == Self.fileFormat else {
            throw OtherFormat(description: "\(snapshot.path): snapshot file format \(header.format); this build reads \(Self.fileFormat)")
        }
        guard header.value == UInt64(bytes.count - FileHeader.length) else {
            throw damaged("\(bytes.count - FileHeader.length) payload bytes where the header says \(header.value): cut short")
        }
        let payload = Array(bytes[FileHeader.length...])
        guard payload.withUnsafeBytes({ CRC32C.checksum($0) }) == header.word else { throw damaged("checksum mismatch") }
        return payload
    }

    /// What `setAside` appends to a damaged snapshot's name.
    public static let damagedSuffix = ".damaged"

    /// Renames a damaged snapshot aside (`damagedSuffix`), so it is kept for a post-mortem but
    /// never loaded again nor counted among the retained.
    public func setAside(_ snapshot: Snapshot) {
        rename(snapshot.path, snapshot.path + Self.damagedSuffix)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
