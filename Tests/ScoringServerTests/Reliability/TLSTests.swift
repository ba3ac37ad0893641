import Foundation
import ScoringClient
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: TCP can be TLS, a client certificate signed by the configured CA takes the label
/// role, and a listener beyond loopback needs TLS or an explicit insecure flag.
@Suite("Reliability: TLS on TCP (real binary, .offCooperativePool)")
struct TLSTests {
    /// A CA, a server certificate for 127.0.0.1 it signed, a client certificate it signed, and a
    /// client certificate from another CA, made with the openssl tool in a fresh directory.
    struct Certificates {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        /// The daemon's TLS certificate and key options.
        var serverArguments: [String] { ["--tls-cert", path("server.pem"), "--tls-key", path("server.key")] }

        init() throws {
            directory = try makeTestDirectory("streamify-tls")
            let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            for ca in ["ca", "rogue-ca"] {
                try Self.openssl(["req", "-x509"] + key + ["-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "2", "-subj", "/CN=streamify-test-\(ca)"], in: directory)
            }
            try Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8).write(to: directory.appendingPathComponent("server.ext"))
            try Data("extendedKeyUsage=clientAuth\n".utf8).write(to: directory.appendingPathComponent("client.ext"))
            for (name, ca) in [("server", "ca"), ("client", "ca"), ("rogue", "rogue-ca")] {
                try Self.openssl(["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: directory)
                try Self.openssl(
                    ["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", name == "server" ? "server.ext" : "client.ext"], in: directory)
            }
        }

        static func openssl(_ arguments: [String], in directory: URL) throws {
            let result = try runProgram(["/usr/bin/openssl"] + arguments, in: directory)
            guard result.status == 0 else {
                throw PythonFrameClient.Failure(description: "openssl \(arguments.joined(separator: " ")) failed: \(result.errors)")
            }
        }
    }

    /// Connects over TLS, verifying the server against `ca`, presenting `certificate` if given.
    static let tlsConnect = """
        context = ssl.create_default_context(cafile=args[2])
        if len(args) > 3: context.load_cert_chain(args[3], args[4])
        s = context.wrap_socket(socket.create_connection((args[0], int(args[1]))), server_hostname="127.0.0.1")
        """

    static func label(_ index: Int) -> Request {
        Fixtures.label(index, card: "tls-card", requestID: UInt64(500 + index))
    }

    static var hasTools: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    @Test(
        "a TLS client that half-closes without close_notify behind a large batch still gets every answer, as over plain TCP",
        .enabled(if: hasTools, "needs /usr/bin/openssl and /usr/bin/python3"))
    func halfCloseWithoutCloseNotify() async throws {
        let certificates = try Certificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let daemon = try DaemonProcess.start(arguments: certificates.serverArguments)
        // A batch scored a slice per turn, then three requests waiting behind it.
        let batch = Request(requestID: 1, body: .scoreBatch((0..<500).map { Fixtures.transaction($0, card: "tls-batch-\($0 % 40)") }))
        let scores = (2...4).map { Request(requestID: UInt64($0), body: .score(Fixtures.transaction($0, card: "tls-card"))) }
        let answers = try PythonFrameClient.call(
            connect: Self.tlsConnect, arguments: ["127.0.0.1", "\(daemon.tcpPort)", certificates.path("ca.pem")],
            requests: [batch] + scores, halfClosingAfterAll: true)
        #expect(answers.map(\.requestID) == [1, 2, 3, 4])
        guard case .breakdownBatch(let items) = answers.first?.body else {
            Issue.record("the batch was answered \(String(describing: answers.first))")
            return
        }
        #expect(items.count == 500)
        #expect(answers.dropFirst().allSatisfy { Fixtures.breakdown($0) != nil })
        #expect(daemon.terminate() == 0)
    }

    @Test(
        "over TLS anyone may score; a client certificate from --tls-client-ca may label; others are refused",
        .enabled(if: hasTools, "needs /usr/bin/openssl and /usr/bin/python3"))
    func mutualTLS() async throws {
        let certificates = try Certificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let daemon = try DaemonProcess.start(arguments: certificates.serverArguments + ["--tls-client-ca", certificates.path("ca.pem")])
        let server = ["127.0.0.1", "\(daemon.tcpPort)", certificates.path("ca.pem")]
        let requests = [Request(requestID: 1, body: .score(Fixtures.transaction(1, card: "tls-card"))), Self.label(1)]

        let anonymous = try PythonFrameClient.call(connect: Self.tlsConnect, arguments: server, requests: requests)
        #expect(Fixtures.breakdown(anonymous.first) != nil)
        #expect(Fixtures.error(anonymous.last)?.code == .unauthenticated)

        let trusted = try PythonFrameClient.call(
            connect: Self.tlsConnect, arguments: server + [certificates.path("client.pem"), certificates.path("client.key")],
            requests: [Self.label(2)])
        guard case .ack(let outcome) = trusted.first?.body else {
            Issue.record("a client certificate from the CA did not label: \(trusted)")
            return
        }
        #expect(outcome == .applied)

        // A certificate from another CA fails the handshake; clear text gets no answer.
        #expect(throws: PythonFrameClient.Failure.self) {
            try PythonFrameClient.call(
                connect: Self.tlsConnect, arguments: server + [certificates.path("rogue.pem"), certificates.path("rogue.key")],
                requests: [Self.label(3)])
        }

        // The Swift client: trusts the CA, presents its certificate, labels.
        let target = ScoringTarget.tcp(host: "127.0.0.1", port: daemon.tcpPort)
        let client = try await ScoringClient.connect(
            to: target,
            tls: try ScoringClientTLS(
                trustRootsFile: certificates.path("ca.pem"), certificateFile: certificates.path("client.pem"),
                keyFile: certificates.path("client.key")))
        #expect(try await client.score(Fixtures.transaction(4, card: "tls-swift")).transactionID == "tx-4")
        let outcome4 = try await client.send(
            Feedback(transactionID: "tx-4", cardID: "tls-swift", label: .fraud, eventTimeMs: Fixtures.start, reportedTimeMs: Fixtures.start + 1_000))
        #expect(outcome4 == .applied)
        try await client.close()
        // Trusting only the system's roots, it refuses the daemon's certificate.
        await #expect(throws: (any Error).self) {
            let untrusting = try await ScoringClient.connect(to: target, tls: try ScoringClientTLS(trustRootsFile: nil))
            _ = try await untrusting.ping()
        }

        let clear = try RawConnection(tcpPort: daemon.tcpPort, timeoutSeconds: 5)
        try clear.send(Request(requestID: 9, body: .ping))
        #expect((try? clear.receiveResponse()) == nil)
        #expect(daemon.terminate() == 0)
    }

    @Test(
        "a TLS handshake not completed within --frame-timeout is closed, though the idle timeout is long; a whole one scores",
        .enabled(if: hasTools, "needs /usr/bin/openssl and /usr/bin/python3"))
    func handshakeTimeout() throws {
        let certificates = try Certificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let daemon = try DaemonProcess.start(
            arguments: certificates.serverArguments + ["--frame-timeout", "400ms", "--idle-timeout", "10m", "--metrics", "127.0.0.1:0"])
        let started = Date()
        // One that never starts its handshake, and one parked inside its ClientHello: a TLS
        // record header announcing 512 bytes, and 10 of them.
        let silent = try RawConnection(tcpPort: daemon.tcpPort, timeoutSeconds: 10)
        let parked = try RawConnection(tcpPort: daemon.tcpPort, timeoutSeconds: 10)
        try parked.send([0x16, 0x03, 0x01, 0x02, 0x00] + [UInt8](repeating: 0x01, count: 10))
        #expect(silent.isClosedByPeer())
        #expect(parked.isClosedByPeer())
        #expect(Date().timeIntervalSince(started) < 5, "closed within a few frame timeouts, not the idle timeout")
        let metricsPort = try #require(daemon.metricsPort)
        #expect(try waitForMetric("streamify_connections_timed_out_total{reason=\"tls_handshake\"}", port: metricsPort) { $0 == 2 })

        // A whole handshake, then silence for three frame timeouts (less than the idle timeout)
        // before the first request: the handshake's clock stopped when it completed.
        let answers = try PythonFrameClient.call(
            connect: Self.tlsConnect + "\nimport time\ntime.sleep(1.2)",
            arguments: ["127.0.0.1", "\(daemon.tcpPort)", certificates.path("ca.pem")],
            requests: [Request(requestID: 1, body: .score(Fixtures.transaction(1, card: "tls-card")))])
        #expect(Fixtures.breakdown(answers.first) != nil)
        #expect(daemon.terminate() == 0)
    }

    @Test("--tcp beyond loopback without TLS is refused at start unless --allow-insecure-tcp")
    func beyondLoopbackNeedsTLS() throws {
        // A name that starts like a loopback address is resolved by DNS: not known to be loopback.
        for host in ["0.0.0.0", "127.corp.example"] {
            let refused = try DaemonProcess(exactArguments: ["--unix", "off", "--tcp", "\(host):0"])
            #expect(refused.waitForExit(timeout: 15) == 2, "\(host)")
            #expect(refused.log.contains("beyond loopback"), "\(host): \(refused.log)")
        }
        let allowed = try DaemonProcess(
            exactArguments: ["--unix", "off", "--tcp", "0.0.0.0:0", "--allow-insecure-tcp", "--log-format", "json"])
        try allowed.waitUntilListening()
        #expect(allowed.terminate() == 0)
        let halfConfigured = try DaemonProcess(exactArguments: ["--unix", "off", "--tcp", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem"])
        #expect(halfConfigured.waitForExit(timeout: 15) == 2)
        #expect(halfConfigured.log.contains("--tls-cert and --tls-key go together"))
    }
}
