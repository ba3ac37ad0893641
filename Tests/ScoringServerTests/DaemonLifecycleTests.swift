import Foundation
import StreamifyWire
import ScoringTestSupport
import Testing

@Suite("Daemon lifecycle (real binary, .offCooperativePool)")
struct DaemonLifecycleTests {
    @Test("SIGTERM answers every request already sent, removes the socket and exits 0")
    func gracefulShutdown() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(unixPath: daemon.socketPath)
        var bytes: [UInt8] = []
        for index in 0..<3_000 {
            bytes += RawConnection.frame(WireCodec.encode(Request(requestID: UInt64(index), body: .score(Fixtures.transaction(index, card: "c\(index % 100)")))))
        }
        try connection.send(bytes)
        daemon.signal(SIGTERM)
        for index in 0..<3_000 {
            let response = try #require(try connection.receiveResponse(), "response \(index) missing")
            #expect(response.requestID == UInt64(index))
        }
        #expect(connection.isClosedByPeer())
        #expect(daemon.waitForExit(timeout: 15) == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(daemon.log.contains("\"message\":\"stopped\""))
    }

    @Test("the Unix socket is mode 0660; a stale socket file is replaced, a live one is not")
    func socketFile() throws {
        let first = try DaemonProcess.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: first.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)

        // A second daemon on the same path refuses to steal it.
        let intruder = try DaemonProcess(exactArguments: ["--unix", first.socketPath, "--tcp", "off"])
        #expect(intruder.waitForExit(timeout: 15).map { $0 != 0 } ?? false, "the intruder should exit non-zero")
        #expect(Fixtures.pong(try RawConnection(unixPath: first.socketPath).call(Request(requestID: 1, body: .ping))) != nil)

        // Killed hard, the first leaves a stale file; the next start replaces it.
        first.signal(SIGKILL)
        _ = first.waitForExit(timeout: 5)
        #expect(FileManager.default.fileExists(atPath: first.socketPath))
        let replacement = try DaemonProcess(exactArguments: ["--unix", first.socketPath, "--tcp", "off"])
        defer { replacement.terminate() }
        var answered = false
        for _ in 0..<200 where !answered {
            if let connection = try? RawConnection(unixPath: first.socketPath),
                (try? connection.call(Request(requestID: 2, body: .ping))) != nil
            {
                answered = true
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        #expect(answered)
    }

    @Test(
        "a bound past what its option allows refuses to start and says why, rather than trapping or misbehaving later",
        arguments: [
            (["--shutdown-grace", "200000d"], "--shutdown-grace must be a duration from 0s to 1h, such as 10s or 500ms, got '200000d'"),
            (["--shutdown-grace", "2h"], "--shutdown-grace must be a duration from 0s to 1h"),
            (["--kafka-brokers", "127.0.0.1:9", "--analytics-interval", "1e17"], "--analytics-interval must be seconds above 0 and at most 86400"),
            (["--http", "127.0.0.1:0", "--http-max-body-bytes", "0"], "--http-max-body-bytes must be within 1...1048576"),
        ])
    func boundOutOfRange(arguments: [String], message: String) throws {
        let refusal = try #require(try DaemonProcess.refusal(arguments: arguments), "started with \(arguments)")
        #expect(refusal.contains(message), "\(refusal)")
    }

    @Test("a listener that cannot be opened exits 1 naming it and the reason")
    func listenerFailure() throws {
        let process = try DaemonProcess(exactArguments: ["--unix", "/nonexistent-streamify-dir/s.sock", "--tcp", "off"])
        #expect(process.waitForExit(timeout: 15) == 1, "\(process.log)")
        #expect(
            process.log.contains("cannot listen on the Unix socket /nonexistent-streamify-dir/s.sock: No such file or directory"),
            "\(process.log)")
        #expect(!process.log.contains("Cannot schedule tasks"), "\(process.log)")
    }

    @Test("bad configuration exits non-zero with a clear message")
    func badConfiguration() throws {
        for arguments in [["--tcp", "nonsense"], ["--unix", "off", "--tcp", "off"], ["--model", "/nonexistent/model.json"], ["--card-ttl", "soon"], ["--outcome-delay", "12h"], ["--fraud-card-quiet", "later"], ["--outcome-maturity", "0s"], ["--kafka-demo-rate", "5"], ["--kafka-brokers", "embedded", "--alert-level", "severe"], ["--refit-frauds=-1"], ["--unix", ""], ["--unix", String(repeating: "s", count: 200)]] {
            let process = try DaemonProcess(exactArguments: arguments)
            #expect(process.waitForExit(timeout: 15) == 2, "\(arguments): \(process.log)")
            #expect(process.log.contains("invalid configuration"), "\(arguments): \(process.log)")
        }
    }
}

@Suite("Model reload (real binary, .offCooperativePool)")
struct ModelReloadTests {
    static func modelJSON(version: String, medium: Double) -> String {
        """
        {"version": "\(version)", "weights": {"amount": 0.55, "velocity": 0.8, "geographic": 0.9, "device": 0.6, "pattern": 0.6},
         "thresholds": {"medium": \(medium), "high": 0.95, "critical": 0.99}}
        """
    }

    @Test("SIGHUP reloads the model file under load without failing a request; a bad file is ignored")
    func reloadUnderLoad() throws {
        let directory = try makeTestDirectory("streamify-model")
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelPath = directory.appendingPathComponent("model.json").path
        try Self.modelJSON(version: "v1", medium: 0.5).write(toFile: modelPath, atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess.start(arguments: ["--model", modelPath] + DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath)
        #expect(Fixtures.pong(try connection.call(Request(requestID: 0, body: .ping)))?.modelVersion == "v1")

        var versions: Set<String> = []
        var requestID: UInt64 = 1
        for round in 0..<4 {
            if round == 1 {
                try Self.modelJSON(version: "v2", medium: 0.01).write(toFile: modelPath, atomically: true, encoding: .utf8)
                daemon.signal(SIGHUP)
            }
            if round == 3 {
                try "{ broken".write(toFile: modelPath, atomically: true, encoding: .utf8)
                daemon.signal(SIGHUP)
            }
            // Keep scoring, pipelined, while the reload happens.
            var bytes: [UInt8] = []
            for index in 0..<500 {
                bytes += RawConnection.frame(WireCodec.encode(Request(requestID: requestID + UInt64(index), body: .score(Fixtures.transaction(index, card: "c\(index % 50)")))))
            }
            try connection.send(bytes)
            for index in 0..<500 {
                let response = try #require(try connection.receiveResponse())
                #expect(response.requestID == requestID + UInt64(index))
                let breakdown = try #require(Fixtures.breakdown(response), "request failed: \(response)")
                versions.insert(breakdown.modelVersion)
            }
            requestID += 500
            Thread.sleep(forTimeInterval: 0.3)
        }
        #expect(versions.contains("v1"))
        #expect(versions.contains("v2"))
        #expect(Fixtures.pong(try connection.call(Request(requestID: 9_999, body: .ping)))?.modelVersion == "v2")
        #expect(daemon.log.contains("model reload failed; keeping the running model"))
        #expect(daemon.terminate() == 0)
    }
}
