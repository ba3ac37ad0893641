import ArgumentParser
import DashboardDoor
import Foundation
import StreamifyWire

/// HTTP door options of `scoring-server`: the live dashboard, its JSON API and demo load.
struct DashboardOptions: ParsableArguments {
    @Option(name: .customLong("http"), help: "HOST:PORT for the live dashboard, its JSON API and /metrics ('off' for none). Env: STREAMIFY_HTTP")
    var http: String = environment("STREAMIFY_HTTP") ?? "off"

    @Option(name: .customLong("http-token-file"), help: "File holding the bearer token every /api request needs (reads of card data, start, stop, reset, label); required when --http binds beyond loopback. Env: STREAMIFY_HTTP_TOKEN_FILE")
    var tokenFile: String?

    @Option(name: .customLong("http-max-connections"), help: "Concurrent HTTP connections. Env: STREAMIFY_HTTP_MAX_CONNECTIONS")
    var maxConnections: Int = environment("STREAMIFY_HTTP_MAX_CONNECTIONS").flatMap(Int.init) ?? 64

    @Option(name: .customLong("http-idle-timeout"), help: "Close an HTTP connection idle this long, e.g. 60s. Env: STREAMIFY_HTTP_IDLE_TIMEOUT")
    var idleTimeout: String = environment("STREAMIFY_HTTP_IDLE_TIMEOUT") ?? "60s"

    @Option(name: .customLong("http-max-streams"), help: "Concurrent live streams (/api/stream); more are answered 503. Env: STREAMIFY_HTTP_MAX_STREAMS")
    var maxStreams: Int = environment("STREAMIFY_HTTP_MAX_STREAMS").flatMap(Int.init) ?? DashboardConfiguration().maxStreams

    @Option(name: .customLong("http-max-body-bytes"), help: "Largest HTTP request body accepted; larger ones are answered 413. Env: STREAMIFY_HTTP_MAX_BODY_BYTES")
    var maxBodyBytes: Int = environment("STREAMIFY_HTTP_MAX_BODY_BYTES").flatMap(Int.init) ?? DashboardConfiguration().maxBodyBytes

    @Option(name: .customLong("dashboard-samples"), help: "Decisions the dashboard samples per second, and as many alerts (its cost on the hot path is bounded by it). Env: STREAMIFY_DASHBOARD_SAMPLES")
    var samplesPerSecond: Int = environment("STREAMIFY_DASHBOARD_SAMPLES").flatMap(Int.init) ?? 1_000

    /// Fills the optional options left unset from their environment variables (argument-parser
    /// calls it after parsing; it deprecates a default value on an optional option).
    mutating func validate() throws {
        tokenFile = tokenFile ?? environment("STREAMIFY_HTTP_TOKEN_FILE")
    }

    /// The HTTP door's configuration, or nil when it is off.
    func makeConfiguration() throws -> DashboardConfiguration? {
        guard http != "off" else { return nil }
        guard let address = HostAndPort(parsing: http) else {
            throw ServerOptions.InvalidOption(description: "--http must be HOST:PORT or 'off', got '\(http)'")
        }
        guard maxConnections >= 1 else { throw ServerOptions.InvalidOption(description: "--http-max-connections must be at least 1") }
        guard maxStreams >= 0 else { throw ServerOptions.InvalidOption(description: "--http-max-streams must be 0 (none) or more") }
        guard (1...(1 << 20)).contains(maxBodyBytes) else {
            throw ServerOptions.InvalidOption(description: "--http-max-body-bytes must be within 1...1048576")
        }
        guard (1...1_000_000).contains(samplesPerSecond) else {
            throw ServerOptions.InvalidOption(description: "--dashboard-samples must be within 1...1000000")
        }
        guard let idleSeconds = DurationText.seconds(idleTimeout), idleSeconds >= 1, idleSeconds <= 86_400 else {
            throw ServerOptions.InvalidOption(description: "--http-idle-timeout must be a duration from 1s to 1d, such as 60s, got '\(idleTimeout)'")
        }
        var configuration = DashboardConfiguration()
        configuration.idleTimeoutSeconds = Int(idleSeconds.rounded(.up))
        configuration.host = address.host
        configuration.port = address.port
        configuration.maxConnections = maxConnections
        configuration.maxStreams = maxStreams
        configuration.maxBodyBytes = maxBodyBytes
        let grantsPerSecond = 1000 / configuration.tickMilliseconds
        configuration.feed.samplesPerGrant = max(1, samplesPerSecond / grantsPerSecond)
        configuration.feed.alertsPerGrant = max(1, samplesPerSecond / grantsPerSecond)
        if let tokenFile {
            configuration.token = try SecretFile.token(at: tokenFile, option: "--http-token-file")
        }
        do {
            try configuration.validate()
        } catch {
            throw ServerOptions.InvalidOption(description: error.message)
        }
        return configuration
    }
}
