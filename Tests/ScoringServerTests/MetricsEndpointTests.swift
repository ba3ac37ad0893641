import Foundation
import StreamifyWire
import ScoringTestSupport
import Testing

@Suite("Prometheus metrics endpoint (real binary, .offCooperativePool)")
struct MetricsEndpointTests {
    @Test("/metrics reports requests, decisions, errors and the latency histogram")
    func metrics() throws {
        // Shedding off: the counts below are exact, and a busy host may shed under the default budget.
        let daemon = try DaemonProcess.start(arguments: ["--metrics", "127.0.0.1:0", "--refit-frauds", "500"] + DaemonProcess.scoreEverything)
        let port = try #require(daemon.metricsPort)
        let connection = try RawConnection(unixPath: daemon.socketPath)
        for index in 0..<20 {
            _ = try connection.call(Request(requestID: UInt64(index), body: .score(Fixtures.transaction(index))))
        }
        var bad = Fixtures.transaction(99)
        bad.cardID = ""
        _ = try connection.call(Request(requestID: 100, body: .score(bad)))

        let body = try httpGet(port: port, path: "/metrics")
        #expect(body.contains("streamify_transactions_scored_total 20"), "\(body)")
        #expect(body.contains("streamify_requests_total 21"), "\(body)")
        #expect(body.contains(#"streamify_errors_total{code="invalidArgument"} 1"#), "\(body)")
        #expect(body.contains("streamify_scoring_seconds_count 20"), "\(body)")
        #expect(body.contains(#"streamify_decisions_total{level="low"}"#), "\(body)")
        // The refit reservoir's bound is a flag; what it holds is a gauge (nothing labelled yet).
        #expect(body.contains(#"streamify_refit_reservoir_samples{kind="fraud"} 0"#), "\(body)")
        #expect(try httpGet(port: port, path: "/nope").contains("not found"))
        #expect(daemon.terminate() == 0)
    }

    @Test("tables at their --max-* size evict, and the evictions and table sizes are metrics")
    func evictionsAreCounted() throws {
        let daemon = try DaemonProcess.start(
            arguments: ["--metrics", "127.0.0.1:0", "--max-cards", "64", "--max-devices", "64", "--max-logged-transactions", "64"]
                + DaemonProcess.scoreEverything)
        let port = try #require(daemon.metricsPort)
        let connection = try RawConnection(unixPath: daemon.socketPath)
        for index in 0..<300 {
            var transaction = Fixtures.transaction(index, card: "card-\(index)")
            transaction.deviceID = "device-\(index)"
            _ = try connection.call(Request(requestID: UInt64(index), body: .score(transaction)))
        }
        // The gauges are refreshed once a second.
        func value(_ sample: String, in body: String) -> Double? {
            body.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        }
        let cardsEvictedSample = #"streamify_table_removals_total{table="cards",reason="capacity"}"#
        var body = ""
        let deadline = Date().addingTimeInterval(20)
        repeat {
            body = try httpGet(port: port, path: "/metrics")
            if value(cardsEvictedSample, in: body) ?? 0 > 0 { break }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        let cardsEvicted = value(cardsEvictedSample, in: body) ?? 0
        let devicesEvicted = value(#"streamify_table_removals_total{table="devices",reason="capacity"}"#, in: body) ?? 0
        let cardsTracked = value("streamify_cards_tracked", in: body) ?? -1
        #expect(cardsEvicted > 0 && devicesEvicted > 0, "\(body)")
        #expect(cardsTracked <= 64 + 64 && cardsTracked + cardsEvicted == 300, "\(body)")
        #expect(value("streamify_devices_tracked", in: body).map { $0 > 0 && $0 <= 128 } == true, "\(body)")
        #expect(value("streamify_merchants_tracked", in: body) == 5, "\(body)")
        // The outcome log at its size gives up transactions before they mature: counted too.
        let outcomesEvicted = value(#"streamify_table_removals_total{table="outcomes",reason="capacity"}"#, in: body) ?? 0
        let outcomesLogged = value("streamify_outcome_log_entries", in: body) ?? -1
        #expect(outcomesEvicted > 0 && outcomesLogged + outcomesEvicted == 300, "\(body)")
        #expect(daemon.terminate() == 0)
    }
}

@Suite("Dashboard door (real binary, .offCooperativePool)")
struct DashboardDoorBinaryTests {
    /// The dashboard's port, from its "dashboard listening" log line.
    static func dashboardPort(_ daemon: DaemonProcess) -> Int? {
        let deadline = Date().addingTimeInterval(20)
        repeat {
            let line = daemon.logLines().first { $0["message"] as? String == "dashboard listening" }
            if let url = line?["url"] as? String, let port = url.split(separator: ":").last?.split(separator: "/").first {
                return Int(port)
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }

    @Test("--http serves /metrics with the HTTP door's own counts, and SIGTERM ends a live stream")
    func metricsAndShutdown() throws {
        let daemon = try DaemonProcess.start(arguments: ["--http", "127.0.0.1:0"])
        let port = try #require(Self.dashboardPort(daemon), "\(daemon.log)")
        let connection = try RawConnection(unixPath: daemon.socketPath)
        _ = try connection.call(Request(requestID: 1, body: .score(Fixtures.transaction(1))))
        #expect(try httpGet(port: port, path: "/api/nothing").contains("404"))
        let metrics = try httpGet(port: port, path: "/metrics")
        #expect(metrics.contains("streamify_transactions_scored_total 1"), "\(metrics)")
        #expect(metrics.contains(#"streamify_http_requests_total{status="4xx"} 1"#), "\(metrics)")
        #expect(metrics.contains("streamify_dashboard_streams 0"), "\(metrics)")

        // A client following the live stream does not hold the daemon up at SIGTERM.
        let stream = try RawConnection(tcpPort: port)
        try stream.send(Array("GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        _ = try stream.receive(exactly: 64)
        let stopping = Date()
        #expect(daemon.terminate() == 0)
        #expect(Date().timeIntervalSince(stopping) < 5)
    }

    @Test("--http-max-streams and --http-max-body-bytes bound the HTTP door")
    func streamAndBodyBounds() throws {
        let daemon = try DaemonProcess.start(arguments: ["--http", "127.0.0.1:0", "--http-max-streams", "0", "--http-max-body-bytes", "64"])
        let port = try #require(Self.dashboardPort(daemon), "\(daemon.log)")
        let refused = try httpGet(port: port, path: "/api/stream")
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
        #expect(refused.contains("0 live streams are open already"), "\(refused)")
        let body = #"{"transaction_id": "a-transaction-id-long-enough-to-pass-64-bytes", "label": "fraud"}"#
        let answer = try httpRequest(port: port, method: "POST", path: "/api/label", json: body)
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
        #expect(daemon.terminate() == 0)
    }

    @Test("at --http-max-connections the HTTP door waits to accept, and its metrics say so once it can answer")
    func connectionLimit() throws {
        let daemon = try DaemonProcess.start(arguments: ["--http", "127.0.0.1:0", "--http-max-connections", "2"])
        let port = try #require(Self.dashboardPort(daemon), "\(daemon.log)")
        // Two connections, each seen by the server (a request answered on it).
        var held = try (0..<2).map { _ in
            let connection = try RawConnection(tcpPort: port)
            try connection.send(Array("GET /api/analytics HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            _ = try connection.receive(exactly: 12)
            return connection
        }
        // A third waits in the backlog: nothing comes back while both are open.
        let waiting = try RawConnection(tcpPort: port, timeoutSeconds: 1)
        try waiting.send(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
        #expect(throws: (any Error).self, "not accepted at the limit") { _ = try waiting.receive(exactly: 1) }
        // One goes: the waiting one is accepted (the limit reached again) and answered.
        held.removeFirst()
        waiting.setTimeout(10)
        var bytes: [UInt8] = []
        while let byte = try waiting.receive(exactly: 1) { bytes += byte }
        let metrics = String(decoding: bytes, as: UTF8.self)
        #expect(metricSamples("streamify_http_connection_limit_reached_total", in: metrics) == [2], "\(metrics)")
        #expect(metricSamples("streamify_http_connections", in: metrics) == [2], "the one held and this one: \(metrics)")
        #expect(daemon.log.contains("--http-max-connections"), "logged")
        #expect(daemon.terminate() == 0)
    }

    @Test("--http beyond loopback without a token file refuses to start")
    func beyondLoopbackNeedsToken() throws {
        #expect(throws: DaemonProcess.StartFailed.self) { try DaemonProcess.start(arguments: ["--http", "0.0.0.0:0"]) }
    }
}
