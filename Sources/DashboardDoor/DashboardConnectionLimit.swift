import Hummingbird
import HummingbirdCore
import Logging
import Metrics

/// Holds the HTTP door to `--http-max-connections` open connections: at the limit it stops
/// accepting, so a further client waits in the kernel's accept backlog until a connection closes
/// (an idle one within `--http-idle-timeout`, a stalled one as `StalledPeerHandler` finds it).
/// Open connections are the gauge `streamify_http_connections`; each time the limit is reached is
/// counted in `streamify_http_connection_limit_reached_total`, and logged the first time and
/// every hundredth after, so that an operator sees why the page and `/metrics` stopped answering.
struct DashboardConnectionLimit: AvailableConnectionsDelegate {
    let maximum: Int
    let metrics: DashboardMetrics
    let logger: Logger
    private var open = 0

    init(maximum: Int, metrics: DashboardMetrics, logger: Logger) {
        self.maximum = maximum
        self.metrics = metrics
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        metrics.connections.record(open)
        guard open == maximum else { return }
        metrics.connectionLimitReached.increment()
        reached += 1
        if reached == 1 || reached % 100 == 0 {
            logger.warning(
                "the dashboard holds --http-max-connections connections: new ones wait until one closes",
                metadata: ["max_connections": "\(maximum)", "times_reached": "\(reached)"])
        }
    }

    mutating func connectionClosed() {
        open -= 1
        metrics.connections.record(open)
    }

    func isAcceptingNewConnections() -> Bool { open < maximum }

    /// Times the limit was reached since the start.
    private var reached = 0
}
