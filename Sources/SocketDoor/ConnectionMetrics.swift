import CoreMetrics

/// Gauges and counters of the socket door's connections.
public final class ConnectionMetrics: Sendable {
    private let open = Meter(label: "streamify_connections")
    private let opened = Counter(label: "streamify_connections_opened_total")
    private let refused = Counter(label: "streamify_connections_refused_total", dimensions: [("reason", "max_connections")])
    private let idleClosed = Counter(label: "streamify_connections_timed_out_total", dimensions: [("reason", "idle")])
    private let frameClosed = Counter(label: "streamify_connections_timed_out_total", dimensions: [("reason", "frame_incomplete")])
    private let handshakeClosed = Counter(label: "streamify_connections_timed_out_total", dimensions: [("reason", "tls_handshake")])
    private let metricsRequestClosed = Counter(
        label: "streamify_connections_timed_out_total", dimensions: [("reason", "metrics_request")])

    /// Makes `streamify_connections` (a gauge), `streamify_connections_opened_total`,
    /// `streamify_connections_refused_total{reason}` (over `--max-connections` or
    /// `--tcp-max-connections`, a partial frame past `--max-buffered-input`, or over
    /// `--metrics-max-connections`) and
    /// `streamify_connections_timed_out_total{reason}`; bootstrap the metrics system first, or
    /// they report nowhere.
    public init() {}

    func connectionOpened() {
        open.increment()
        opened.increment()
    }

    func connectionClosed() { open.decrement() }

    /// A scoring connection was refused because `limit` was full.
    func connectionRefused(_ limit: ConnectionRefusalHandler.Limit) {
        switch limit {
        case .all: refused.increment()
        case .tcp: tcpRefused.increment()
        }
    }

    private let metricsRefused = Counter(
        label: "streamify_connections_refused_total", dimensions: [("reason", "metrics_max_connections")])

    /// A metrics connection was closed because `--metrics-max-connections` were open.
    func metricsConnectionRefused() { metricsRefused.increment() }

    private let tcpRefused = Counter(label: "streamify_connections_refused_total", dimensions: [("reason", "tcp_max_connections")])

    private let inputRefused = Counter(label: "streamify_connections_refused_total", dimensions: [("reason", "buffered_input")])

    /// A connection was closed because its partial frame took the input budget past its limit.
    func connectionRefusedForInput() { inputRefused.increment() }

    /// A metrics connection sent no whole request within the idle timeout.
    func metricsConnectionTimedOut() { metricsRequestClosed.increment() }

    func connectionTimedOut(_ timeout: ConnectionTimeout) {
        switch timeout {
        case .idle: idleClosed.increment()
        case .frameIncomplete: frameClosed.increment()
        case .handshakeIncomplete: handshakeClosed.increment()
        }
    }
}
