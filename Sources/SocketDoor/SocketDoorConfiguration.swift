import NIOCore
import StreamifyWire

/// Everything the socket door is configured with: where it listens and what it accepts.
///
/// Start from the defaults (`SocketDoorConfiguration()`) and set what differs.
public struct SocketDoorConfiguration: Sendable {
    /// Where to listen on a Unix domain socket; `nil` for none.
    public var unixSocketPath: String? = "streamify.sock"
    /// Where to listen on TCP; `nil` for none.
    public var tcpAddress: HostAndPort? = HostAndPort(host: "127.0.0.1", port: 7411)
    /// Where to serve Prometheus metrics over HTTP; `nil` for none.
    public var metricsAddress: HostAndPort?
    /// Longest request frame accepted; longer ones are answered FRAME_TOO_LARGE and the connection closed.
    public var maximumFrameLength = Framing.defaultMaximumFrameLength
    /// Most transactions in one `score_batch`.
    public var maximumBatchSize = 10_000
    /// Event loop threads; one per core by default.
    public var eventLoopThreads = System.coreCount
    /// How long shutdown waits for connections to drain before closing them.
    public var shutdownGracePeriodSeconds: Double = 10
    /// Most scoring connections open at once, Unix socket and TCP together; one more is answered
    /// `OVERLOADED` and closed.
    public var maximumConnections = 4_096
    /// Most of `maximumConnections` that TCP peers may hold at once, so that however many connect
    /// over the network, the local clients on the Unix socket keep the rest; one more TCP
    /// connection is refused like one over `maximumConnections`. `nil`: three quarters of
    /// `maximumConnections`.
    public var maximumTCPConnections: Int?
    /// A connection that sends nothing for this long between frames is closed; `nil`: never.
    public var idleTimeout: TimeAmount? = .minutes(10)
    /// A request frame must arrive whole within this long of its first byte, or the connection is
    /// answered `DEADLINE_EXCEEDED` and closed; `nil`: no limit.
    public var frameTimeout: TimeAmount? = .seconds(10)
    /// Scoring requests reaching an event loop that runs further behind than this are answered
    /// `OVERLOADED` at once instead of being scored late; `nil`: no admission control.
    public var maximumQueueDelay: TimeAmount? = .milliseconds(5)
    /// Answer bytes written but not yet read, summed over scoring connections, past which
    /// scoring requests are answered `OVERLOADED`; 0: no global limit.
    public var maximumBufferedOutput = 256 << 20
    /// Bytes of request frames received in part, summed over scoring connections, past which the
    /// connection whose frame goes over is answered `OVERLOADED` and closed; 0: no global limit.
    public var maximumBufferedInput = 256 << 20
    /// Labels one connection may send per second (and at once); more are answered `OVERLOADED`.
    /// 0: no limit.
    public var maximumLabelsPerSecond = 10_000
    /// TLS on the TCP listener (the Unix socket never uses it); `nil`: TCP is clear text.
    public var tls: TLSSettings?
    /// Who may send labels: by default the daemon's own user over the Unix socket, nobody over TCP.
    public var labelPolicy = LabelPolicy()
    /// Most connections open at once on the metrics endpoint.
    public var maximumMetricsConnections = 64

    /// The defaults: `streamify.sock`, `127.0.0.1:7411`, no metrics listener.
    public init() {}

    /// The TCP connections allowed: `maximumTCPConnections`, or three quarters of
    /// `maximumConnections` without it; at least 1 and never more than `maximumConnections`.
    public var tcpConnectionShare: Int {
        min(max(maximumTCPConnections ?? maximumConnections * 3 / 4, 1), max(maximumConnections, 1))
    }
}
