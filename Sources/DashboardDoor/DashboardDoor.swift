import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import ScoringEngine
import StreamifyWire
import ServiceLifecycle
import Synchronization

/// The HTTP door (`--http`): the live dashboard page, its JSON API and live stream, `/metrics`,
/// and the built-in demo load, served by Hummingbird.
///
/// A ServiceLifecycle `Service`. It reads decisions only through the `DecisionFeed` the
/// `ScoringService` fills (a bounded sample, off the hot path), and sends labels and demo
/// transactions through that service like any other door. On graceful shutdown it stops the
/// demo load, ends live streams and stops the server.
public final class DashboardDoor: Service, Sendable {
    private let dashboard: Dashboard
    private let configuration: DashboardConfiguration
    private let metricsText: @Sendable () -> String?
    private let logger: Logger
    private let ports: AsyncStream<Int>
    private let announce: AsyncStream<Int>.Continuation

    /// - Parameters:
    ///   - scoring: the service every door calls; its `feed` is what the page shows.
    ///   - metricsText: the Prometheus text `/metrics` serves (nil: none).
    public init(
        configuration: DashboardConfiguration, scoring: ScoringService, metricsText: @escaping @Sendable () -> String?,
        logger: Logger
    ) {
        self.configuration = configuration
        self.metricsText = metricsText
        self.logger = logger
        let feed = scoring.feed ?? DecisionFeed(settings: configuration.feed)
        dashboard = Dashboard(configuration: configuration, scoring: scoring, feed: feed, logger: logger)
        (ports, announce) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Connections whose peer takes none of their answer now, and how many were closed for it.
    var stalledPeers: StalledPeerHandler.Tally { dashboard.metrics.stalledPeers }

    /// The port the server listens on, once it does (useful with port 0); nil if it stopped first.
    public func waitUntilListening() async -> Int? {
        await ports.first { _ in true }
    }

    public func run() async throws {
        let chartScript = (try? Data(contentsOf: URL(fileURLWithPath: configuration.chartScriptPath))).map { ByteBuffer(bytes: $0) }
        if chartScript == nil {
            logger.warning(
                "Chart.js not found: the dashboard's charts are off", metadata: ["path": "\(configuration.chartScriptPath)"])
        }
        let dashboard = self.dashboard
        let router = DashboardRoutes.make(
            dashboard: dashboard, chartScript: chartScript, metricsText: metricsText,
            isStopping: { dashboard.isStopping })
        let announce = self.announce
        let logger = self.logger
        let idleTimeout = TimeAmount.seconds(Int64(configuration.idleTimeoutSeconds))
        let metrics = dashboard.metrics
        // Bounds on slow peers, each connection its own: a request must arrive whole, and an
        // answer be taken, within the idle timeout.
        let slowPeers: @Sendable () -> [any RemovableChannelHandler] = {
            [
                HTTPRequestDeadlineHandler<HTTPRequestPart, HTTPResponsePart>(
                    timeout: idleTimeout, isRequestEnd: { if case .end = $0 { true } else { false } },
                    isResponseEnd: { if case .end = $0 { true } else { false } },
                    onTimeout: { metrics.requestsTimedOut.increment() }),
                StalledPeerHandler(limit: idleTimeout, isStopping: { dashboard.isStopping }, tally: metrics.stalledPeers),
            ]
        }
        let application = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: slowPeers(), idleTimeout: idleTimeout)),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "streamify",
                availableConnectionsDelegate: DashboardConnectionLimit(
                    maximum: configuration.maxConnections, metrics: metrics, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("dashboard listening", metadata: ["url": "http://\(channel.localAddress?.ipAddress ?? "?"):\(port)/"])
                announce.yield(port)
            },
            logger: logger)
        defer { announce.finish() }
        let tick = Duration.milliseconds(configuration.tickMilliseconds)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try? await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        dashboard.tick()
                        try await Task.sleep(for: tick)
                    }
                }
            }
            group.addTask { await cancelWhenGracefulShutdown { await dashboard.demo.run() } }
            try await withGracefulShutdownHandler {
                try await application.run()
            } onGracefulShutdown: {
                dashboard.stop()
            }
            group.cancelAll()
        }
    }
}
