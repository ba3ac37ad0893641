import Foundation
@testable import StateStore
import Testing

@Suite("Snapshot files: whole or not at all")
struct SnapshotStoreTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("snapshots-\(UUID().uuidString.prefix(8))").path
    }

    @Test("CRC-32C matches the published check values")
    func checkValues() {
        // RFC 3720 appendix B.4 and the common "123456789" check value.
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.checksum($0) } == 0xE306_9283)
        #expect([UInt8](repeating: 0, count: 32).withUnsafeBytes { CRC32C.checksum($0) } == 0x8A91_36AA)
        #expect([UInt8](repeating: 0xFF, count: 32).withUnsafeBytes { CRC32C.checksum($0) } == 0x62A8_AB43)
        #expect(Array(UInt8(0)...31).withUnsafeBytes { CRC32C.checksum($0) } == 0x46DD_794E)
        // Fed in pieces of every size, the same value.
        let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = bytes.withUnsafeBytes { CRC32C.checksum($0) }
        for piece in [1, 3, 8, 13, 999] {
            var crc = CRC32C()
            for start in stride(from: 0, to: bytes.count, by: piece) {
                bytes[start..<min(start + piece, bytes.count)].withUnsafeBytes { crc.update($0) }
            }
            #expect(crc.checksum == whole, "pieces of \(piece)")
        }
    }

    @Test(
        "the CPU's CRC-32C instruction and the table agree on every length and alignment",
        .enabled(if: CRC32C.usesHardware, "this CPU has no CRC-32C instruction: only the table runs"))
    func hardwareMatchesTable() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.withUnsafeBytes { all in
            for (start, length) in [(0, 0), (0, 1), (1, 7), (3, 8), (5, 9), (7, 63), (0, 1_000), (13, 4_000)] {
                let piece = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                var table = CRC32C()
                table.updateWithTable(piece)
                #expect(CRC32C.checksum(piece) == table.checksum, "\(length) bytes from \(start)")
            }
        }
    }

    @Test("a payload reads back as written; only the newest two are kept")
    func roundTripAndRetention() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SnapshotStore(directory: path)
        for round in 1...4 {
            let payload = (0..<(10_000 + round)).map { UInt8(truncatingIfNeeded: $0 * round) }
            let snapshot = try store.write(payload)
            #expect(snapshot.sequence == UInt64(round))
            #expect(try store.read(snapshot) == payload)
        }
        #expect(try store.snapshots().map(\.sequence) == [4, 3])
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o700, "the directory is its owner's only")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test("what a crash left of a snapshot being written is removed at the writer's start, and numbers no later snapshot")
    func unfinishedWritesRemoved() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SnapshotStore(directory: path)
        try store.write(Array(repeating: 1, count: 100))
        for name in ["snapshot-0000000000000007.state.tmp", "notes.tmp"] {
            FileManager.default.createFile(atPath: path + "/" + name, contents: Data(repeating: 9, count: 5_000))
        }
        #expect(try store.removeUnfinished() == 1)
        #expect(try store.removeUnfinished() == 0)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: path)) == ["snapshot-0000000000000001.state", "notes.tmp"])
        #expect(try store.nextSequence() == 2)
    }

    @Test("a whole snapshot of another file format is refused as another build's, not as damaged")
    func otherFileFormat() throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SnapshotStore(directory: path)
        let snapshot = try store.write(Array(repeating: 7, count: 64))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot.path))
        // The format follows the 8-byte magic.
        bytes[8] &+= 1
        try bytes.write(to: URL(fileURLWithPath: snapshot.path))
        #expect {
            try store.read(snapshot)
        } throws: { error in
            (error as? SnapshotStore.OtherFormat)?.description.contains("this build reads 1") == true
        }
    }

    @Test("a flipped byte, a cut, a foreign file: each is refused as damaged", arguments: ["flip", "cut", "foreign", "empty"])
    func damage(kind: String) throws {
        let path = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SnapshotStore(directory: path)
        let snapshot = try store.write(Array(repeating: 7, count: 4_096))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot.path))
        switch kind {
        case "flip": bytes[3_000] ^= 1
        case "cut": bytes = bytes.prefix(2_000)
        case "foreign": bytes = Data("{\"not\": \"a snapshot\"}".utf8)
        default: bytes = Data()
        }
        try bytes.write(to: URL(fileURLWithPath: snapshot.path))
        #expect(throws: SnapshotStore.DamagedSnapshot.self) { try store.read(snapshot) }
        store.setAside(snapshot)
        #expect(try store.snapshots().isEmpty)
        // The next snapshot never takes the name of the one set aside.
        #expect(try store.write([1]).sequence == 2)
    }
}
