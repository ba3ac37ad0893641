import Foundation
import StreamifyWire
import ScoringTestSupport
import Testing

@Suite("Prometheus metrics endpoint (real binary)")
struct MetricsEndpointTests {
    @Test("/metrics reports requests, decisions, errors and the latency histogram")
    func metrics() throws {
        let daemon = try DaemonProcess.start(arguments: ["--metrics", "127.0.0.1:0", "--refit-frauds", "500"])
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
}
