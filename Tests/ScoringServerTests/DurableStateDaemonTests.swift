import Foundation
import ScoringTestSupport
import StateStore
import StreamifyWire
import Testing

@Suite("Durable state (real binary, .offCooperativePool)")
struct DurableStateDaemonTests {
    /// 2,000 transactions over 200 cards, then one more per card: the last ones are scored on the
    /// history the first 2,000 left.
    static let history = (0..<2_000).map { Fixtures.transaction($0, card: "c\($0 % 200)") }
    static let next = (0..<200).map { Fixtures.transaction(2_000 + $0, card: "c\($0)", amountMinor: 250_000) }

    /// Sends `transactions` pipelined on one connection (Unix, or TCP with `tcp`); their
    /// breakdowns without server time.
    static func score(_ transactions: some Collection<Transaction>, on daemon: DaemonProcess, tcp: Bool = false) throws -> [RiskBreakdown] {
        let connection = try tcp
            ? RawConnection(tcpPort: daemon.tcpPort, timeoutSeconds: 20) : RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 20)
        try connection.send(transactions.enumerated().flatMap { index, transaction in
            RawConnection.frame(WireCodec.encode(Request(requestID: UInt64(index + 1), body: .score(transaction))))
        })
        return try (0..<transactions.count).map { index in
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
        // The start's snapshot and the stop's.
        #expect(names.contains("fingerprint.key") && names.filter { $0.hasSuffix(".state") }.count == 2, "\(names)")
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

    @Test("kill -9 after any answered burst: the restarted daemon knows everything it answered", arguments: ["unix", "tcp"])
    func killNine(transport: String) throws {
        let tcp = transport == "tcp"
        let directory = try makeTestDirectory("streamify-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let uninterrupted = try DaemonProcess.start(arguments: Self.arguments)
        _ = try Self.score(Self.history, on: uninterrupted)
        let expected = try Self.score(Self.next, on: uninterrupted)
        #expect(uninterrupted.terminate() == 0)

        // Bursts of 100, each answered before the next; killed after a burst picked at random.
        var random = SystemRandomNumberGenerator()
        let killedAfter = Int.random(in: 1..<20, using: &random) * 100
        let arguments = Self.arguments + ["--state-dir", directory.path + "/state"]
        let first = try DaemonProcess.start(arguments: arguments)
        for start in stride(from: 0, to: killedAfter, by: 100) {
            _ = try Self.score(Self.history[start..<start + 100], on: first, tcp: tcp)
        }
        first.signal(SIGKILL)
        _ = first.waitForExit(timeout: 10)

        let second = try DaemonProcess.start(arguments: arguments)
        let restored = second.logLines().first { $0["message"] as? String == "state restored" }
        #expect(restored?["journal_records"] as? String == "\(killedAfter)", "killed after \(killedAfter): \(second.log)")
        _ = try Self.score(Self.history[killedAfter...], on: second, tcp: tcp)
        let answers = try Self.score(Self.next, on: second, tcp: tcp)
        #expect(answers == expected, "killed after \(killedAfter) of \(Self.history.count)")
        #expect(second.terminate() == 0)
    }

    @Test("a snapshot that cannot be written is logged and counted, scoring goes on, and a later check writes it once it can")
    func failedSnapshotIsCounted() throws {
        let directory = try makeTestDirectory("streamify-snapshot")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.path + "/state"
        let daemon = try DaemonProcess.start(
            arguments: Self.arguments + ["--state-dir", state, "--snapshot-journal-bytes", "1048576", "--metrics", "127.0.0.1:0"])
        let port = try #require(daemon.metricsPort)
        // The next snapshot moves the journal on to its next segment; a directory in that
        // file's place makes the move, and so the snapshot, fail.
        let current = try #require(try Journal.segments(in: state).last)
        let obstruction = Journal.segmentPath(current + 1, in: state)
        let snapshotsBefore = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasSuffix(".state") }
        try FileManager.default.createDirectory(atPath: obstruction, withIntermediateDirectories: false)
        // Enough for more than a MiB of journal, in bursts the answers of which fit the buffers.
        let transactions = (0..<12_000).map { Fixtures.transaction($0, card: "c\($0 % 500)") }
        for start in stride(from: 0, to: transactions.count, by: 1_000) {
            _ = try Self.score(transactions[start..<start + 1_000], on: daemon)
        }
        #expect(try waitForMetric("streamify_state_snapshot_failures_total", port: port) { $0 >= 1 })
        #expect(daemon.logLines().contains {
            $0["message"] as? String == "state snapshot failed; the journal keeps everything"
                && ($0["error"] as? String)?.contains(obstruction) == true
        }, "\(daemon.log.suffix(2000))")
        #expect(try Self.score(Self.next, on: daemon).count == Self.next.count, "scoring goes on")

        try FileManager.default.removeItem(atPath: obstruction)
        #expect(try waitForMetric("streamify_state_snapshots_total", port: port) { $0 >= 1 })
        let names = try FileManager.default.contentsOfDirectory(atPath: state)
        #expect(names.contains { $0.hasSuffix(".state") && !snapshotsBefore.contains($0) }, "\(names)")
        #expect(daemon.terminate() == 0)
    }
    @Test("files set aside in the state directory (a damaged snapshot, unreplayed journal) are counted in gauges")
    func setAsideFilesAreCounted() throws {
        let directory = try makeTestDirectory("streamify-set-aside")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.path + "/state"
        let first = try DaemonProcess.start(arguments: Self.arguments + ["--state-dir", state])
        _ = try Self.score(Self.history.prefix(100), on: first)
        #expect(first.terminate() == 0)
        // As earlier starts leave them: a snapshot that did not read, segments after a gap.
        try Data(count: 100).write(to: URL(fileURLWithPath: state + "/snapshot-0000000000000001.state" + SnapshotStore.damagedSuffix))
        try Data(count: 20).write(to: URL(fileURLWithPath: Journal.segmentPath(90, in: state) + Journal.unreplayedSuffix))
        try Data(count: 3).write(to: URL(fileURLWithPath: Journal.segmentPath(90, in: state) + Journal.unreplayedSuffix + ".2"))

        let second = try DaemonProcess.start(arguments: Self.arguments + ["--state-dir", state, "--metrics", "127.0.0.1:0"])
        let port = try #require(second.metricsPort)
        #expect(try waitForMetric("streamify_state_set_aside_files", port: port) { $0 == 3 })
        #expect(try waitForMetric("streamify_state_set_aside_bytes", port: port) { $0 == 123 })
        #expect(try Self.score(Self.next.prefix(10), on: second).count == 10, "scoring goes on beside them")
        #expect(second.terminate() == 0)
    }
}
