import NIOCore
import StreamifyWire

/// Everything the socket door is configured with: where it listens and what it accepts.
public struct SocketDoorConfiguration: Sendable {
    /// Where to listen on a Unix domain socket; `nil` for none.
    public var unixSocketPath: String?
    /// Where to listen on TCP; `nil` for none.
    public var tcpAddress: HostAndPort?
    /// Where to serve Prometheus metrics over HTTP; `nil` for none.
    public var metricsAddress: HostAndPort?
    /// Longest request frame accepted; longer ones are answered FRAME_TOO_LARGE and the connection closed.
    public var maximumFrameLength: Int
    /// Most transactions in one `score_batch`.
    public var maximumBatchSize: Int
    /// Event loop threads; defaults to one per core.
    public var eventLoopThreads: Int
    /// How long shutdown waits for connections to drain before closing them.
    public var shutdownGracePeriodSeconds: Double

    public init(
        unixSocketPath: String? = "streamify.sock",
        tcpAddress: HostAndPort? = HostAndPort(host: "127.0.0.1", port: 7411),
        metricsAddress: HostAndPort? = nil,
        maximumFrameLength: Int = Framing.defaultMaximumFrameLength,
        maximumBatchSize: Int = 10_000,
        eventLoopThreads: Int = System.coreCount,
        shutdownGracePeriodSeconds: Double = 10
    ) {
        self.unixSocketPath = unixSocketPath
        self.tcpAddress = tcpAddress
        self.metricsAddress = metricsAddress
        self.maximumFrameLength = maximumFrameLength
        self.maximumBatchSize = maximumBatchSize
        self.eventLoopThreads = eventLoopThreads
        self.shutdownGracePeriodSeconds = shutdownGracePeriodSeconds
    }
}
