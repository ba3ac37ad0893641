import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import Prometheus
import ScoringEngine
import ScoringModel
import ServiceLifecycle
import StreamifyWire
import UnixSignals

/// The socket door: listeners on a Unix socket and/or TCP (and the metrics endpoint), all
/// scoring through one shared `ScoringService`.
///
/// A ServiceLifecycle `Service`: `run()` binds, serves until graceful shutdown (SIGTERM or
/// SIGINT through a `ServiceGroup`), then stops accepting, answers what connections still
/// send until they go quiet (bounded by the grace period), and returns. The engine's
/// housekeeping, reloads and snapshots belong to `EngineService`, not to this door.
public final class SocketDoor: Service, Sendable {
    /// Addresses actually bound (TCP port 0 resolves to the real port).
    public struct ListeningAddresses: Sendable {
        /// The Unix socket's path; `nil` when there is no Unix listener.
        public var unixSocketPath: String?
        /// The TCP port bound; `nil` when there is no TCP listener.
        public var tcpPort: Int?
        /// The metrics endpoint's port; `nil` when it is off (no address, or no registry given).
        public var metricsPort: Int?
    }

    /// The scoring API this door calls.
    public let scoring: ScoringService
    private let connections = ConnectionMetrics()
    private let connectionLimit: ConnectionLimit
    /// The part of `connectionLimit` TCP peers may take, so they cannot crowd out the Unix socket.
    private let tcpConnectionLimit: ConnectionLimit
    /// Unread answers across scoring connections; nil without `maximumBufferedOutput`.
    private let outputBudget: ByteBudget?
    /// What large batches reserve against `outputBudget`, learned from every connection's answers.
    private let answerEstimate = BatchAnswerEstimate()
    /// Partly received request frames across scoring connections; nil without `maximumBufferedInput`.
    private let inputBudget: ByteBudget?
    private let metricsConnectionLimit: ConnectionLimit
    private let configuration: SocketDoorConfiguration
    private let logger: Logger
    private let registry: PrometheusCollectorRegistry?
    private let group: MultiThreadedEventLoopGroup
    private let listening: NIOLockedValueBox<ListeningAddresses?> = NIOLockedValueBox(nil)
    private let readiness: EventLoopPromise<ListeningAddresses>

    /// Starts the event loop threads; binds nothing until `run()`. Without `registry` there is no
    /// metrics endpoint, whatever `metricsAddress` says.
    public init(
        configuration: SocketDoorConfiguration,
        scoring: ScoringService,
        logger: Logger,
        registry: PrometheusCollectorRegistry? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        self.scoring = scoring
        self.registry = registry
        self.connectionLimit = ConnectionLimit(maximum: configuration.maximumConnections)
        self.tcpConnectionLimit = ConnectionLimit(maximum: configuration.tcpConnectionShare)
        self.outputBudget = configuration.maximumBufferedOutput > 0 ? ByteBudget.output(limit: configuration.maximumBufferedOutput) : nil
        self.inputBudget = configuration.maximumBufferedInput > 0 ? ByteBudget.input(limit: configuration.maximumBufferedInput) : nil
        self.metricsConnectionLimit = ConnectionLimit(maximum: configuration.maximumMetricsConnections)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        self.readiness = group.next().makePromise(of: ListeningAddresses.self)
    }

    /// Resolves once every listener is bound (or fails if binding failed).
    public func waitUntilListening() async throws -> ListeningAddresses {
        try await readiness.futureResult.get()
    }

    public func run() async throws {
        do {
            try await serveUntilShutdown()
        } catch {
            readiness.fail(error)
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        logger.info("stopped", metadata: ["cards_tracked": "\(scoring.engine.cardsTracked)"])
    }

    /// Binds, serves until graceful shutdown, then drains. Everything bound here is closed on return,
    /// and the quiescing helpers are released before the event loops stop.
    private func serveUntilShutdown() async throws {
        let probes = try await startDelayProbes()
        do {
            try await serve(probes: probes)
        } catch {
            await stop(probes)
            throw error
        }
        await stop(probes)
    }

    /// Stops the delay probes, and waits until they have: the event loops shut down next, and
    /// a probe still ticking then would schedule on a loop that has stopped.
    private func stop(_ probes: DelayProbes) async {
        for probe in probes.values {
            try? await probe.eventLoop.submit { probe.value.stop() }.get()
        }
    }

    private func serve(probes: DelayProbes) async throws {
        var listeners: [(channel: any Channel, quiesce: ServerQuiescingHelper)] = []
        var metricsChannel: (any Channel)?
        var boundUnixSocket = false
        defer {
            if boundUnixSocket, let path = configuration.unixSocketPath { UnixSocketFile.remove(path) }
        }
        do {
            if let path = configuration.unixSocketPath {
                try UnixSocketFile.removeIfStale(path)
                let quiesce = ServerQuiescingHelper(group: group)
                let bootstrap = makeScoringBootstrap(quiesce: quiesce, tcp: false, probes: probes)
                let channel = try await ListenFailed.naming("the Unix socket \(path)") {
                    try await UnixSocketFile.creatingRestricted(path) {
                        try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
                    }
                }
                boundUnixSocket = true
                listeners.append((channel, quiesce))
            }
            if let address = configuration.tcpAddress {
                let quiesce = ServerQuiescingHelper(group: group)
                let channel = try await ListenFailed.naming("TCP \(address.host):\(address.port)") {
                    try await makeScoringBootstrap(quiesce: quiesce, tcp: true, probes: probes)
                        .bind(host: address.host, port: address.port).get()
                }
                listeners.append((channel, quiesce))
            }
            if let address = configuration.metricsAddress, let registry {
                metricsChannel = try await ListenFailed.naming("the metrics address \(address.host):\(address.port)") {
                    try await makeMetricsBootstrap(registry: registry).bind(host: address.host, port: address.port).get()
                }
            }
        } catch {
            for listener in listeners { try? await listener.channel.close() }
            try? await metricsChannel?.close()
            throw error
        }

        let addresses = ListeningAddresses(
            unixSocketPath: configuration.unixSocketPath,
            tcpPort: configuration.tcpAddress == nil ? nil : listeners.last?.channel.localAddress?.port,
            metricsPort: metricsChannel?.localAddress?.port
        )
        listening.withLockedValue { $0 = addresses }
        logger.info(
            "listening",
            metadata: [
                "unix": "\(addresses.unixSocketPath ?? "off")",
                "tcp": "\(configuration.tcpAddress.map { "\($0.host):\(addresses.tcpPort ?? $0.port)" } ?? "off")",
                "metrics": "\(configuration.metricsAddress.map { "\($0.host):\(addresses.metricsPort ?? $0.port)" } ?? "off")",
                "model": "\(scoring.engine.model.version)",
                "event_loops": "\(configuration.eventLoopThreads)",
            ])
        readiness.succeed(addresses)

        try? await gracefulShutdown()

        logger.info("shutting down: no new connections, draining open ones")
        await drain(listeners.map(\.quiesce))
        for listener in listeners { try? await listener.channel.closeFuture.get() }
        try? await metricsChannel?.close()
    }

    /// Closes the listeners, asks every connection to finish, and waits up to the grace period.
    private func drain(_ helpers: [ServerQuiescingHelper]) async {
        let futures = helpers.map { quiesce in
            let drained = group.next().makePromise(of: Void.self)
            quiesce.initiateShutdown(promise: drained)
            return drained.futureResult
        }
        let all = EventLoopFuture.andAllComplete(futures, on: group.next())
        let timedOut = group.next().makePromise(of: Void.self)
        let timeout = group.next().scheduleTask(in: .milliseconds(Int64(configuration.shutdownGracePeriodSeconds * 1000))) {
            timedOut.fail(ShutdownTimedOut())
        }
        all.cascade(to: timedOut)
        do {
            try await timedOut.futureResult.get()
        } catch {
            logger.warning("grace period over: closing remaining connections")
        }
        timeout.cancel()
    }

    private struct ShutdownTimedOut: Error {}

    /// One delay probe per event loop, keyed by the loop, when `maximumQueueDelay` is set.
    private typealias DelayProbes = [ObjectIdentifier: NIOLoopBound<EventLoopDelayProbe>]

    private func startDelayProbes() async throws -> DelayProbes {
        guard let budget = configuration.maximumQueueDelay else { return [:] }
        // Tick often enough that the estimate is fresh at the scale of the budget.
        let period = TimeAmount.nanoseconds(max(budget.nanoseconds / 4, TimeAmount.microseconds(250).nanoseconds))
        var probes: DelayProbes = [:]
        for loop in group.makeIterator() {
            probes[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(EventLoopDelayProbe(period: period, on: loop), eventLoop: loop)
            }.get()
        }
        return probes
    }

    private func makeScoringBootstrap(quiesce: ServerQuiescingHelper, tcp: Bool, probes: DelayProbes) -> ServerBootstrap {
        let scoring = self.scoring
        let connections = self.connections
        let limit = self.connectionLimit
        let tcpLimit = tcp ? self.tcpConnectionLimit : nil
        let logger = self.logger
        let maximumFrameLength = configuration.maximumFrameLength
        let maximumBatchSize = configuration.maximumBatchSize
        let labelPolicy = configuration.labelPolicy
        let timeouts = ConnectionDeadlineHandler.Timeouts(idle: configuration.idleTimeout, frame: configuration.frameTimeout)
        let queueDelayBudget = configuration.maximumQueueDelay.map { UInt64($0.nanoseconds) } ?? 0
        let tls = tcp ? configuration.tls : nil
        let labelsPerSecond = configuration.maximumLabelsPerSecond
        let outputBudget = self.outputBudget
        let answerEstimate = self.answerEstimate
        let inputBudget = self.inputBudget
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        AcceptPauseHandler(listener: tcp ? "tcp" : "unix", logger: logger),
                        quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The TCP share first: a TCP peer refused there takes no slot of the whole.
                    // A slot taken is given back when the channel closes, refused or not.
                    let refused: (count: Int, limit: ConnectionRefusalHandler.Limit)? =
                        if let tcpLimit, !tcpLimit.admit(channel) {
                            (tcpLimit.maximum, .tcp)
                        } else if !limit.admit(channel) {
                            (limit.maximum, .all)
                        } else {
                            nil
                        }
                    if let refused {
                        connections.connectionRefused(refused.limit)
                        // A TLS client could not read a clear-text refusal: it is only closed.
                        if tls != nil {
                            channel.close(promise: nil)
                        } else {
                            try channel.pipeline.syncOperations.addHandler(
                                ConnectionRefusalHandler(count: refused.count, limit: refused.limit, allocator: channel.allocator))
                        }
                        return
                    }
                    let processor = FrameProcessor(service: scoring, maximumBatchSize: maximumBatchSize, labelPolicy: labelPolicy)
                    processor.outputBudget = outputBudget
                    processor.answerEstimate = answerEstimate
                    if labelsPerSecond > 0 {
                        processor.labelRate = LabelRateLimit(
                            perSecond: labelsPerSecond, nowUptimeNanoseconds: NIODeadline.now().uptimeNanoseconds)
                    }
                    processor.deadlineReserveNanoseconds = ScoringHandler.maxAnswerHold.nanoseconds
                    if let probe = probes[ObjectIdentifier(channel.eventLoop)] {
                        processor.admission = QueueDelayAdmission(probe: probe.value, budgetNanoseconds: queueDelayBudget)
                    }
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context))
                        if tls.clientCertificatesGrantLabelRole {
                            try channel.pipeline.syncOperations.addHandler(ClientCertificateRoleHandler(processor: processor))
                        }
                    }
                    if !tcp {
                        try channel.pipeline.syncOperations.addHandler(
                            PeerCredentialsRoleHandler(processor: processor, policy: labelPolicy))
                    }
                    let activity = InputActivity()
                    let handlers: [any ChannelHandler] = [
                        // First, so it sees every read that no handler after it holds back.
                        ConnectionDeadlineHandler(
                            timeouts: timeouts, maximumFrameLength: maximumFrameLength, inputBudget: inputBudget,
                            timesHandshake: tls != nil, activity: activity),
                        BackPressureHandler(),
                        ByteToMessageHandler(FrameDecoder(maximumFrameLength: maximumFrameLength)),
                        ScoringHandler(
                            processor: processor,
                            metrics: scoring.metrics,
                            connections: connections,
                            logger: logger,
                            outputBudget: outputBudget,
                            activity: activity),
                    ]
                    try channel.pipeline.syncOperations.addHandlers(handlers)
                }
            }
        if tcp {
            bootstrap = bootstrap
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        }
        return bootstrap
    }

    /// How long a metrics connection may take to send its next request head when
    /// `--idle-timeout` is off: a scraper asks every few seconds to a minute.
    static let metricsRequestTimeout = TimeAmount.minutes(10)

    /// The text `/metrics` serves, for another door to serve too; nil without a registry.
    public func metricsExposition() -> String? {
        guard let registry else { return nil }
        return MetricsHTTPHandler.exposition(
            registry: registry, metrics: scoring.metrics, budgets: [outputBudget, inputBudget].compactMap { $0 })
    }

    private func makeMetricsBootstrap(registry: PrometheusCollectorRegistry) -> ServerBootstrap {
        let metrics = scoring.metrics
        let budgets = [outputBudget, inputBudget].compactMap { $0 }
        let limit = metricsConnectionLimit
        let connections = self.connections
        let requestTimeout = configuration.idleTimeout ?? Self.metricsRequestTimeout
        let logger = self.logger
        return ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPauseHandler(listener: "metrics", logger: logger))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard limit.admit(channel) else {
                        connections.metricsConnectionRefused()
                        channel.close(promise: nil)
                        return
                    }
                    // Reads pause while answers are not taken, so a client that pipelines requests
                    // and never reads holds one socket buffer of answers, not all of them.
                    try channel.pipeline.syncOperations.addHandler(BackPressureHandler())
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandlers(
                        HTTPRequestDeadlineHandler<HTTPServerRequestPart, HTTPServerResponsePart>(
                            timeout: requestTimeout, isRequestEnd: { if case .end = $0 { true } else { false } },
                            isResponseEnd: { if case .end = $0 { true } else { false } },
                            onTimeout: { connections.metricsConnectionTimedOut() }),
                        MetricsHTTPHandler(registry: registry, metrics: metrics, budgets: budgets))
                }
            }
    }
}
