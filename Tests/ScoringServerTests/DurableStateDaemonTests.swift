import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

@Suite("Durable state (real binary)")
struct DurableStateDaemonTests {
    /// 2,000 transactions over 200 cards, then one more per card: the last ones are scored on the
    /// history the first 2,000 left.
    static let history = (0..<2_000).map { Fixtures.transaction($0, card: "c\($0 % 200)") }
    static let next = (0..<200).map { Fixtures.transaction(2_000 + $0, card: "c\($0)", amountMinor: 250_000) }

    /// Sends `transactions` pipelined on one connection; their breakdowns without server time.
    static func score(_ transactions: [Transaction], on daemon: DaemonProcess) throws -> [RiskBreakdown] {
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 20)
        try connection.send(transactions.enumerated().flatMap { index, transaction in
            RawConnection.frame(WireCodec.encode(Request(requestID: UInt64(index + 1), body: .score(transaction))))
        })
        return try transactions.indices.map { index in
            var breakdown = try #require(Fixtures.breakdown(try connection.receiveResponse()), "answer \(index)")
            breakdown.serverTimeMicroseconds = 0
            return breakdown
        }
    }

    /// Admission control is wall-clock by nature: every request here must be scored.
    static let arguments = ["--max-queue-delay", "off"]

    @Test("--state-dir: after SIGTERM and a restart every card's history is back, with the key that fingerprints it")
    func stopAndStart() throws {
        let directory = try makeTestDirectory("streamify-state")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.path + "/state"
        let uninterrupted = try DaemonProcess.start(arguments: Self.arguments)
        _ = try Self.score(Self.history, on: uninterrupted)
        let expected = try Self.score(Self.next, on: uninterrupted)
        #expect(uninterrupted.terminate() == 0)

        let first = try DaemonProcess.start(arguments: Self.arguments + ["--state-dir", state])
        _ = try Self.score(Self.history, on: first)
        #expect(first.terminate() == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: state)
        #expect(names.contains("fingerprint.key") && names.contains { $0.hasSuffix(".state") }, "\(names)")
        let key = try FileManager.default.attributesOfItem(atPath: state + "/fingerprint.key")
        #expect((key[.posixPermissions] as? Int) == 0o600)

        let second = try DaemonProcess.start(arguments: Self.arguments + ["--state-dir", state])
        let restored = second.logLines().first { $0["message"] as? String == "state restored" }
        #expect(restored?["cards_tracked"] as? String == "200", "\(second.log)")
        let answers = try Self.score(Self.next, on: second)
        #expect(answers == expected, "the same decisions as a server never stopped")
        #expect(second.terminate() == 0)

        // A state directory that is not one is a configuration error.
        let file = directory.path + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let refused = try DaemonProcess(arguments: ["--state-dir", file])
        #expect(refused.waitForExit(timeout: 15) == 2)
        #expect(refused.log.contains("is not a directory"))
    }
}
