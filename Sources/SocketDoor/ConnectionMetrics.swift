import CoreMetrics

/// Gauges and counters of the socket door's connections.
public final class ConnectionMetrics: Sendable {
    private let open = Meter(label: "streamify_connections")
    private let opened = Counter(label: "streamify_connections_opened_total")

    public init() {}

    func connectionOpened() {
        open.increment()
        opened.increment()
    }

    func connectionClosed() { open.decrement() }
}
