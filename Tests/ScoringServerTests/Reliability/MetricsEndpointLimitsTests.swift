import Foundation
import ScoringTestSupport
import Testing

/// Reliability: the metrics endpoint is bounded like the scoring listeners: a client that
/// pipelines and never reads, an idle one, a header trickle and a request whose body never comes
/// cannot hold memory or a descriptor.
@Suite("Reliability: metrics endpoint limits (real binary, .offCooperativePool)")
struct MetricsEndpointLimitsTests {
    @Test("14 MB of pipelined GET /metrics, never read: the connection is closed, memory stays bounded")
    func pipelinedNeverRead() throws {
        let daemon = try DaemonProcess.start(arguments: ["--metrics", "127.0.0.1:0"])
        let port = try #require(daemon.metricsPort)
        let request = Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        let flood = Array(repeating: request, count: 14_000_000 / request.count).flatMap { $0 }
        let residentBefore = daemon.residentBytes

        let connection = try RawConnection(tcpPort: port, timeoutSeconds: 20)
        var failure: String?
        do { try connection.send(flood) } catch { failure = "\(error)" }
        // The daemon stopped reading and then closed: the send fails on a reset or broken pipe,
        // not on the send timeout (which would mean it stopped reading but kept the connection).
        let reason = try #require(failure, "the daemon read all 14 MB of requests")
        #expect(reason.contains("reset") || reason.contains("pipe"), "\(reason)")
        let grown = daemon.residentBytes - residentBefore
        #expect(grown < 64 << 20, "resident memory grew by \(grown) bytes")
        // The endpoint still serves others.
        #expect(try httpGet(port: port, path: "/metrics").contains("streamify_requests_total"))
        #expect(daemon.terminate() == 0)
    }

    @Test("an idle connection, a header trickle and a body that never comes are closed after --idle-timeout")
    func idleAndTrickleClosed() throws {
        let daemon = try DaemonProcess.start(arguments: ["--metrics", "127.0.0.1:0", "--idle-timeout", "400ms"])
        let port = try #require(daemon.metricsPort)
        let idle = try RawConnection(tcpPort: port, timeoutSeconds: 5)
        let trickle = try RawConnection(tcpPort: port, timeoutSeconds: 5)
        // A whole head announcing one byte of body, which never follows.
        let bodiless = try RawConnection(tcpPort: port, timeoutSeconds: 5)
        try bodiless.send(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\n".utf8))
        let started = Date()
        let trickling = Thread {
            for byte in "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8 + Array(repeating: UInt8(ascii: "a"), count: 100) {
                guard (try? trickle.send([byte])) != nil else { return }
                usleep(100_000)
            }
        }
        trickling.start()
        #expect(idle.isClosedByPeer())
        #expect(trickle.isClosedByPeer())
        #expect(bodiless.isClosedByPeer())
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 4, "closed after \(seconds) s")
        let metrics = try httpGet(port: port, path: "/metrics")
        #expect(metrics.contains(#"streamify_connections_timed_out_total{reason="metrics_request"} 3"#), "\(metrics)")
        #expect(daemon.terminate() == 0)
    }

    @Test("a connection past --metrics-max-connections is closed at once and counted under its own reason")
    func connectionCap() throws {
        let daemon = try DaemonProcess.start(arguments: ["--metrics", "127.0.0.1:0", "--metrics-max-connections", "2"])
        let port = try #require(daemon.metricsPort)
        var held = try (0..<2).map { _ in try RawConnection(tcpPort: port, timeoutSeconds: 5) }
        // Each held one is admitted once it answers.
        for connection in held {
            try connection.send(Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            var byte: UInt8 = 0
            #expect(recv(connection.fd, &byte, 1, 0) == 1)
        }
        let third = try RawConnection(tcpPort: port, timeoutSeconds: 5)
        #expect(third.isClosedByPeer())
        held.removeAll()
        // The held slots are given back as their closes reach the daemon; a scrape before that
        // is refused too, and counted.
        var metrics = ""
        var refusedScrapes = 0
        #expect(eventually(within: 5) {
            metrics = (try? httpGet(port: port, path: "/metrics")) ?? ""
            if !metrics.contains("streamify_requests_total") { refusedScrapes += 1 }
            return metrics.contains("streamify_requests_total")
        })
        let refusals = #"streamify_connections_refused_total{reason="metrics_max_connections"} "# + "\(1 + refusedScrapes)"
        #expect(metrics.contains(refusals), "\(metrics)")
        #expect(!metrics.contains(#"streamify_connections_refused_total{reason="max_connections"} 1"#))
        #expect(daemon.terminate() == 0)
    }
}
