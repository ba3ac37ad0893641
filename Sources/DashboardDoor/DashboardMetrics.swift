import Hummingbird
import Metrics

/// The HTTP door's metrics: connections, requests by status class, open and refused live streams.
struct DashboardMetrics: Sendable {
    private let requests: [Counter]
    /// Live streams open now (`--http` allows `DashboardConfiguration.maxStreams`).
    let streams = Meter(label: "streamify_dashboard_streams")
    /// Live streams refused because `maxStreams` were open.
    let streamsRefused = Counter(label: "streamify_dashboard_streams_refused_total")
    /// Connections whose peer takes none of their answer (`StalledPeerHandler`).
    let stalledPeers = StalledPeerHandler.Tally()
    /// Connections open now (`DashboardConnectionLimit`).
    let connections = Gauge(label: "streamify_http_connections")
    /// Times the open connections reached `--http-max-connections`, and accepting stopped.
    let connectionLimitReached = Counter(label: "streamify_http_connection_limit_reached_total")
    /// Connections closed because a request did not arrive whole within `--http-idle-timeout`
    /// (`HTTPRequestDeadlineHandler`): a header trickle, or a body sent slowly or never.
    let requestsTimedOut = Counter(label: "streamify_http_requests_timed_out_total")

    /// Status classes counted: 1xx ... 5xx.
    private static let statusClasses = 1...5

    init() {
        requests = Self.statusClasses.map { Counter(label: "streamify_http_requests_total", dimensions: [("status", "\($0)xx")]) }
    }

    /// Counts an answer with `status`.
    func count(_ status: HTTPResponse.Status) {
        let statusClass = min(max(status.code / 100, Self.statusClasses.lowerBound), Self.statusClasses.upperBound)
        requests[statusClass - Self.statusClasses.lowerBound].increment()
    }
}

/// Counts every answer of the HTTP door, errors included, by status class.
struct DashboardMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: DashboardMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.count(response.status)
            return response
        } catch {
            metrics.count((error as? any HTTPResponseError)?.status ?? .internalServerError)
            throw error
        }
    }
}
