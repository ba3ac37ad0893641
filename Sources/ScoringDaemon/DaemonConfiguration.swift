import StreamifyWire

/// Everything the socket door is configured with: where it listens and what it accepts.
public struct DaemonConfiguration: Sendable {
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

import NIOCore

/// A `HOST:PORT` pair (IPv6 hosts in brackets: `[::1]:7411`).
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces of loopback default host).
    public init?(parsing text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let port = Int(portPart), (0...65535).contains(port) else { return nil }
        self.host = hostPart.isEmpty ? "127.0.0.1" : String(hostPart)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
