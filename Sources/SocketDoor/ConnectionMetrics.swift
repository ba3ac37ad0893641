import CoreMetrics

/// Gauges and counters of the socket door's connections.
public final class ConnectionMetrics: Sendable {
    private let open = Meter(label: "streamify_connections")
    private let opened = Counter(label: "streamify_connections_opened_total")

    /// Makes `streamify_connections` (a gauge) and `streamify_connections_opened_total`; bootstrap
    /// the metrics system first, or they report nowhere.
    public init() {}

    func connectionOpened() {
        open.increment()
        opened.increment()
    }

    func connectionClosed() { open.decrement() }
}
