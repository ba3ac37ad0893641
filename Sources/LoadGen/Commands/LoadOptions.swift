import StreamifyWire
import ArgumentParser
import Foundation
import ScoringClient

/// Options for playing traffic against a daemon (shared by `run` and `replay`).
struct LoadOptions: ParsableArguments {
    @Option(help: "The daemon: unix:PATH or tcp://HOST:PORT.")
    var target: String

    @Option(help: "TLS to a tcp:// target: the PEM CA bundle the daemon's certificate must chain to.")
    var tlsCA: String?

    @Option(help: "TLS: a PEM client certificate to present (a daemon with --tls-client-ca grants it the label role); with --tls-key.")
    var tlsCert: String?

    @Option(help: "TLS: the PEM key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Connections to open.")
    var connections: Int = 4

    @Option(help: "Requests in flight per connection.")
    var pipeline: Int = 64

    @Option(help: "Transactions per request (1: score, more: score_batch).")
    var batch: Int = 1

    @Option(help: "Give each request deadline_ms = its intended send time + this many milliseconds; the daemon answers DEADLINE_EXCEEDED, without scoring, once it has passed.")
    var deadline: Int?

    @Option(help: "Which reasons each breakdown carries: all, top-factor or none (the request's explain).")
    var explain: Explain = .all

    @Option(help: "Open loop: transactions per second, on schedule (latency counts from the intended send time).")
    var rate: Double?

    @Flag(help: "Closed loop: send as fast as the pipeline allows.")
    var max = false

    @Option(help: "Measured time after the warm-up (e.g. 30s, 5m); 0 runs until SIGINT/SIGTERM.")
    var duration: String?

    @Option(help: "Transactions to send in all (warm-up included).")
    var count: Int?

    @Option(help: "Warm-up before measuring (e.g. 5s).")
    var warmup: String = "0s"

    @Option(help: "Transactions generated before the clock starts (about 150 bytes each); a run needing more generates the rest while it sends. Raise it when the generator cannot keep up with --rate.")
    var pregenerate: Int = LoadConfiguration.defaultPregenerateLimit

    @Option(help: "Write the report as JSON to this file.")
    var report: String?

    @Option(help: "Write the latency percentile distribution (HdrHistogram .hgrm text, milliseconds) to this file.")
    var latencyDistribution: String?

    @Option(help: "SLO: exit non-zero when fewer transactions per second are scored.")
    var expectThroughput: Double?

    @Option(name: .customLong("expect-p99-us"), help: "SLO: exit non-zero when p99 latency exceeds this many microseconds.")
    var expectP99Microseconds: UInt64?

    @Flag(help: "No live progress line.")
    var quiet = false

    func validate() throws {
        let parsed = try ScoringTarget(parsing: target)
        if tlsCA != nil || tlsCert != nil || tlsKey != nil {
            guard case .tcp = parsed else { throw ValidationError("--tls-ca, --tls-cert and --tls-key need a tcp:// target") }
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        }
        guard connections >= 1, pipeline >= 1, batch >= 1 else {
            throw ValidationError("--connections, --pipeline and --batch must be at least 1")
        }
        if max && rate != nil { throw ValidationError("choose --rate (open loop) or --max (closed loop), not both") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if pregenerate < 0 { throw ValidationError("--pregenerate must be 0 or more") }
        if let deadline, deadline < 1 { throw ValidationError("--deadline must be at least 1 (milliseconds)") }
        if let duration { _ = try DurationText.parseSeconds(duration) }
        _ = try DurationText.parseSeconds(warmup)
    }

    /// Open-loop rate, or `nil` for closed loop. Without either flag: 1,000/s.
    var effectiveRate: Double? { max ? nil : (rate ?? 1_000) }

    func loadConfiguration() throws -> LoadConfiguration {
        var configuration = LoadConfiguration(target: try ScoringTarget(parsing: target))
        if tlsCA != nil || tlsCert != nil {
            configuration.tls = try ScoringClientTLS(trustRootsFile: tlsCA, certificateFile: tlsCert, keyFile: tlsKey)
        }
        configuration.connections = connections
        configuration.pipeline = pipeline
        configuration.batchSize = batch
        configuration.deadlineMilliseconds = deadline
        configuration.explain = explain
        configuration.rate = effectiveRate
        configuration.count = count
        configuration.pregenerateLimit = pregenerate
        configuration.warmupSeconds = try DurationText.parseSeconds(warmup)
        if let duration {
            let seconds = try DurationText.parseSeconds(duration)
            configuration.durationSeconds = seconds == 0 ? nil : seconds
        } else {
            // Without --duration: until --count when given, else 10 s.
            configuration.durationSeconds = count == nil ? 10 : nil
        }
        return configuration
    }

    var objective: ServiceLevelObjective {
        ServiceLevelObjective(throughput: expectThroughput, p99Microseconds: expectP99Microseconds)
    }
}
