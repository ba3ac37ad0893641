/// Numbered snapshot files in a state directory: each one whole or absent, checksummed, and the
/// one before it kept until a newer one is safely written.
///
/// A file is `snapshot-<sequence>.state`: a 24-byte header (magic `STRMSNAP`, file format,
/// CRC-32C of the payload, payload length, little-endian), then the payload. What the payload
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

    /// The directory the snapshots live in.
    public let directory: String
    /// Snapshots kept: the newest and the ones before it, for when the newest proves damaged.
    public let retained: Int

    static let magic = Array("STRMSNAP".utf8)
    static let fileFormat: UInt32 = 1
    static let headerLength = magic.count + MemoryLayout<UInt32>.size * 2 + MemoryLayout<UInt64>.size
    private static let prefix = "snapshot-"
    private static let suffix = ".state"

    /// A store in `directory`, which is created (mode 0700) if missing.
    public init(directory: String, retained: Int = 2) throws(StateFileError) {
        try DurableFile.makeDirectory(directory)
        self.directory = directory
        self.retained = max(retained, 1)
    }

    /// The snapshots present, newest first.
    public func snapshots() throws(StateFileError) -> [Snapshot] {
        try DurableFile.list(directory).compactMap { name -> Snapshot? in
            guard name.hasSuffix(Self.suffix), let sequence = Self.sequence(of: name) else { return nil }
            return Snapshot(sequence: sequence, path: directory + "/" + name)
        }.sorted { $0.sequence > $1.sequence }
    }

    /// The number in a snapshot file's name, whatever follows it (`.state`, `.state.damaged`).
    private static func sequence(of name: String) -> UInt64? {
        guard name.hasPrefix(prefix) else { return nil }
        return UInt64(name.dropFirst(prefix.count).prefix { $0 != "." })
    }

    /// The number the next snapshot gets: past every one ever written here, set aside or not,
    /// so a new snapshot never takes the name of one kept for a post-mortem.
    public func nextSequence() throws(StateFileError) -> UInt64 {
        (try DurableFile.list(directory).compactMap(Self.sequence(of:)).max() ?? 0) + 1
    }

    /// Writes `payload` as snapshot `sequence` (by default the next), durably, then removes all
    /// but the `retained` newest. Returns the snapshot written.
    @discardableResult
    public func write(_ payload: [UInt8], sequence requested: UInt64? = nil) throws(StateFileError) -> Snapshot {
        try write(chunks: [payload], sequence: requested)
    }

    /// Writes the payload made of `chunks` one after the other, as `write(_:sequence:)` does.
    @discardableResult
    public func write(chunks: [[UInt8]], sequence requested: UInt64? = nil) throws(StateFileError) -> Snapshot {
        let sequence: UInt64
        if let requested { sequence = requested } else { sequence = try nextSequence() }
        let existing = try snapshots().filter { $0.sequence < sequence }
        let snapshot = Snapshot(sequence: sequence, path: path(of: sequence))
        var header = Self.magic
        withUnsafeBytes(of: Self.fileFormat.littleEndian) { header.append(contentsOf: $0) }
        var crc = CRC32C()
        for chunk in chunks { chunk.withUnsafeBytes { crc.update($0) } }
        withUnsafeBytes(of: crc.checksum.littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(chunks.reduce(0) { $0 + $1.count }).littleEndian) { header.append(contentsOf: $0) }
        try DurableFile.write([header] + chunks, to: snapshot.path)
        for old in existing.dropFirst(retained - 1) {
            unlink(old.path)
        }
        return snapshot
    }

    /// The payload of `snapshot`, checked against its header: its length and checksum.
    public func read(_ snapshot: Snapshot) throws -> [UInt8] {
        let bytes = try DurableFile.read(snapshot.path)
        func damaged(_ what: String) -> DamagedSnapshot { DamagedSnapshot(description: "\(snapshot.path): \(what)") }
        guard bytes.count >= Self.headerLength, Array(bytes[..<Self.magic.count]) == Self.magic else {
            throw damaged("not a snapshot (no STRMSNAP header)")
        }
        let (format, checksum, length) = bytes.withUnsafeBytes { raw in
            (
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self)),
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            )
        }
        guard format == Self.fileFormat else { throw damaged("file format \(format); this build reads \(Self.fileFormat)") }
        guard length == UInt64(bytes.count - Self.headerLength) else {
            throw damaged("\(bytes.count - Self.headerLength) payload bytes where the header says \(length): cut short")
        }
        let payload = Array(bytes[Self.headerLength...])
        guard payload.withUnsafeBytes({ CRC32C.checksum($0) }) == checksum else { throw damaged("checksum mismatch") }
        return payload
    }

    /// Renames a damaged snapshot aside (`.damaged`), so it is kept for a post-mortem but never
    /// loaded again nor counted among the retained.
    public func setAside(_ snapshot: Snapshot) {
        rename(snapshot.path, snapshot.path + ".damaged")
    }

    private func path(of sequence: UInt64) -> String {
        let digits = String(sequence)
        return directory + "/" + Self.prefix + String(repeating: "0", count: max(0, 16 - digits.count)) + digits + Self.suffix
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
