import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reliability: an id is all its bytes. A NUL, invalid UTF-8 or a crafted fingerprint must not
/// let one card id reach another card's state (`KeyedStateTests` checks the state in-process).
@Suite("Reliability: identities (real binary, .offCooperativePool)")
struct IdentityTests {
    static func request(_ index: Int, _ transaction: Transaction) -> Request {
        Request(requestID: UInt64(index), body: .score(transaction))
    }

    /// The encoded request with the bytes of `marker` (inside an id) replaced by `bytes` of the
    /// same length: how a client sends what a Swift `String` cannot hold.
    static func patched(_ request: Request, replacing marker: String, with bytes: [UInt8]) throws -> [UInt8] {
        var body = WireCodec.encode(request)
        let needle = Array(marker.utf8)
        precondition(needle.count == bytes.count)
        let start = try #require((0...(body.count - needle.count)).first { Array(body[$0..<($0 + needle.count)]) == needle })
        body.replaceSubrange(start..<(start + needle.count), with: bytes)
        return RawConnection.frame(body)
    }

    @Test("ids with a NUL byte or invalid UTF-8 are refused on their field; the victim's state is untouched")
    func crafted() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(unixPath: daemon.socketPath)
        for index in 0..<5 {
            #expect(Fixtures.breakdown(try connection.call(Self.request(index, Fixtures.transaction(index, card: "victim")))) != nil)
        }

        let refusals: [(Transaction, String)] = [
            (Fixtures.transaction(10, card: "victim\0"), "card_id contains a NUL byte"),
            (Fixtures.transaction(11, card: "victim\0" + String(repeating: "x", count: 100_000)), "card_id is longer than 64 bytes"),
        ]
        for (index, (transaction, message)) in refusals.enumerated() {
            let error = Fixtures.error(try connection.call(Self.request(100 + index, transaction)))
            #expect(error?.code == .invalidArgument)
            #expect(error?.field == "card_id")
            #expect(error?.message == message)
        }
        // A label for "victim\0…" is refused as well, so it cannot mark the victim.
        let label = Request(
            requestID: 200,
            body: .feedback(
                Feedback(
                    transactionID: "tx-1", cardID: "victim\0tail", label: .fraud, eventTimeMs: Fixtures.start,
                    reportedTimeMs: Fixtures.start + 1_000)))
        #expect(Fixtures.error(try connection.call(label))?.field == "card_id")

        // Invalid UTF-8 (an overlong NUL, C0 80) spliced into the id on the wire.
        try connection.send(try Self.patched(Self.request(300, Fixtures.transaction(20, card: "victimXY")), replacing: "XY", with: [0xC0, 0x80]))
        let invalid = Fixtures.error(try connection.receiveResponse())
        #expect(invalid?.field == "card_id")
        #expect(invalid?.message == "card_id is not valid UTF-8")
        try connection.send(try Self.patched(Self.request(301, Fixtures.transaction(21, card: "victim")), replacing: "merchant-1", with: Array("merch".utf8) + [0xFF] + Array("nt-1".utf8)))
        #expect(Fixtures.error(try connection.receiveResponse())?.field == "merchant_id")
        #expect(Fixtures.breakdown(try connection.call(Self.request(400, Fixtures.transaction(5, card: "victim")))) != nil)
        #expect(daemon.terminate() == 0)
    }

    @Test("the fingerprint key file is created once with mode 0600, read back on restart, and refused when unsafe")
    func keyFile() throws {
        let directory = try makeTestDirectory("streamify-key")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("fingerprint.key").path

        let first = try DaemonProcess.start(arguments: ["--fingerprint-key-file", path])
        #expect(first.terminate() == 0)
        let created = try String(contentsOfFile: path, encoding: .utf8)
        let digits = created.trimmingCharacters(in: .newlines)
        let allHex = digits.allSatisfy { $0.isHexDigit }
        #expect(digits.count == 32)
        #expect(allHex)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)

        let second = try DaemonProcess.start(arguments: ["--fingerprint-key-file", path])
        #expect(second.terminate() == 0)
        let reread = try String(contentsOfFile: path, encoding: .utf8)
        #expect(reread == created)

        chmod(path, 0o644)
        let exposed = try DaemonProcess(arguments: ["--fingerprint-key-file", path])
        #expect(exposed.waitForExit(timeout: 15) == 2)
        #expect(exposed.log.contains("readable by others"))

        chmod(path, 0o600)
        try Data("not-a-key\n".utf8).write(to: URL(fileURLWithPath: path))
        let malformed = try DaemonProcess(arguments: ["--fingerprint-key-file", path])
        #expect(malformed.waitForExit(timeout: 15) == 2)
        #expect(malformed.log.contains("32 hexadecimal digits"))
    }

    @Test("a state directory's key lost while its state is kept is refused; an empty key a crash left before any state is replaced")
    func keyLostBesideState() throws {
        let directory = try makeTestDirectory("streamify-state")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent("state").path
        let key = state + "/fingerprint.key"

        // What a crash between the key's creation and its write leaves, before any state: replaced.
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: key, contents: nil, attributes: [.posixPermissions: 0o600]))
        let first = try DaemonProcess.start(arguments: ["--state-dir", state])
        #expect(first.terminate() == 0)
        #expect(try String(contentsOfFile: key, encoding: .utf8).count == 33)

        // Its state now holds a snapshot fingerprinted under that key.
        try FileManager.default.removeItem(atPath: key)
        let refusal = try #require(try DaemonProcess.refusal(arguments: ["--state-dir", state]))
        #expect(refusal.contains("is missing, but") && refusal.contains("holds state fingerprinted under it"), "\(refusal)")
        #expect(!FileManager.default.fileExists(atPath: key), "no new key was made")
    }
}
