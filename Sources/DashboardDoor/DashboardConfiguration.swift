import ScoringEngine
import StreamifyWire

/// The HTTP door's settings (`--http` and its companions).
public struct DashboardConfiguration: Sendable {
    /// Interface to bind; loopback by default.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests).
    public var port = 8080
    /// The bearer token every API request (reads of card data, and start, stop, reset, label)
    /// requires (`--http-token-file`); nil: none required, which `validate()` allows only on
    /// loopback (`DashboardAccess`).
    public var token: String?
    /// Chart.js as Debian's libjs-chart.js installs it, served to the page at `/chart.js`.
    public var chartScriptPath = "/usr/share/javascript/chart.js/chart.min.js"
    /// Bounds of the sampled decision rings.
    public var feed = DecisionFeed.Settings()
    /// How often the feed's sampling allowances are granted and the history gets a point.
    public var tickMilliseconds = 100
    /// Seconds of throughput, latency and level history kept.
    public var historySeconds = 300
    /// Largest request body accepted.
    public var maxBodyBytes = 16 * 1024
    /// Concurrent HTTP connections.
    public var maxConnections = 64
    /// How long a connection may stay idle (no request, nothing read) before it is closed.
    public var idleTimeoutSeconds = 60
    /// Concurrent live streams (`/api/stream`).
    public var maxStreams = 16
    /// How often a live stream sends the page's numbers, in milliseconds.
    public var streamIntervalMilliseconds = 1_000
    /// Highest demo rate the page may ask for, transactions per second.
    public var maxDemoRate = 20_000

    /// The defaults: loopback port 8080, no token.
    public init() {}

    /// Whether `host` is a loopback address (a name such as `127.example.com` is not: DNS says where it points).
    public var bindsLoopbackOnly: Bool {
        HostAndPort(host: host, port: port).isLoopback
    }

    /// Why this configuration must not run, if it must not: the API beyond loopback without a token.
    public func validate() throws(DashboardConfigurationError) {
        if !bindsLoopbackOnly && (token ?? "").isEmpty {
            throw DashboardConfigurationError(
                message: "--http \(host):\(port) binds beyond loopback: give --http-token-file, so that only holders of the token can read card data or start, stop, reset or label")
        }
        guard (1...65_535).contains(port) || port == 0 else {
            throw DashboardConfigurationError(message: "--http port \(port) is out of range 0...65535")
        }
    }
}

/// A dashboard configuration that must not run.
public struct DashboardConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong and how to mend it.
    public var message: String
    public var description: String { message }
}
