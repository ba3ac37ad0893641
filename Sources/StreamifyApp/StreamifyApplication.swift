import Archive
import DashboardDoor
import KafkaDoor
import Logging
import Prometheus
import SocketDoor
import ScoringEngine
import ScoringModel
import ServiceLifecycle
import StateStore
import UnixSignals

/// The whole server, built but not yet running: one engine and the doors that call it.
///
/// `makeServiceGroup(logger:)` puts every service in one `ServiceGroup`, which runs them until
/// SIGTERM or SIGINT (or until a test triggers graceful shutdown) and then stops them in
/// reverse start order: the doors drain first, the engine service writes its snapshot last.
public struct StreamifyApplication: Sendable {
    /// The one scoring API every door calls.
    public let scoring: ScoringService
    /// Housekeeping, reloads and snapshots of the engine.
    public let engineService: EngineService
    /// The Unix socket, TCP and metrics listeners.
    public let socketDoor: SocketDoor
    /// The Kafka consumer; `nil` when Kafka is off.
    public let kafkaDoor: KafkaDoor?
    /// The dashboard and its JSON API; `nil` when the HTTP door is off.
    public let dashboardDoor: DashboardDoor?
    /// The archive; `nil` when it is off.
    public let archiveService: ArchiveService?
    /// Every service, in start order.
    public let services: [any Service]
    /// The holds on the state directory and the archive's log, kept while the application lives.
    let directoryLocks: [DirectoryLock]

    /// A service group over `services` that shuts down gracefully on SIGTERM and SIGINT.
    public func makeServiceGroup(logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint]) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: signals,
                logger: logger))
    }
}

/// Builds the whole server from its configuration: the composition root.
///
/// `scoring-server` only parses options and calls this; tests call it too, so they run the
/// real server in-process over real sockets.
///
/// With a state directory the engine starts from its newest readable snapshot; this throws only
/// when the directory cannot be used at all or holds a snapshot of another format.
public func buildApplication(
    configuration: StreamifyConfiguration, logger: Logger, registry: PrometheusCollectorRegistry? = nil
) throws -> StreamifyApplication {
    let scoring: ScoringService
    var stateStore: EngineStateStore?
    let feed = configuration.dashboard.map { DecisionFeed(settings: $0.feed) }
    // Before anything is written: a second daemon on the same directories must change nothing.
    var directoryLocks: [DirectoryLock] = []
    if let directory = configuration.stateDirectory {
        directoryLocks.append(try DirectoryLock(directory: directory, use: "--state-dir"))
    }
    var archiveConfiguration = configuration.archive
    if var archive = archiveConfiguration {
        directoryLocks.append(try DirectoryLock(directory: archive.logDirectory, use: "--archive"))
        // One spelling of the log's place (the lock made it exist): the archive keeps its cursor
        // by lane path, and a path spelt otherwise at the next start would archive again what
        // the log still holds.
        archive.logDirectory = DurableFile.canonicalPath(archive.logDirectory)
        archiveConfiguration = archive
    }
    let decisionLog = try archiveConfiguration.map { archive in
        // A lane for each event loop, and as many again for the other threads that score (the
        // cooperative pool's: the demo load, the dashboard's labels; the Kafka door's). Threads
        // get lanes in the order they first score, so the event loops keep lanes of their own
        // unless more threads than that scored before them.
        try DecisionLog(
            directory: archive.logDirectory, lanes: 2 * configuration.socket.eventLoopThreads,
            fsyncPolicy: configuration.fsyncPolicy, backlogLimit: archive.backlogLimitBytes, logger: logger)
    }
    if let directory = configuration.stateDirectory {
        let store = try EngineStateStore(directory: directory, fsyncPolicy: configuration.fsyncPolicy, logger: logger)
        let (engine, durability, _) = try store.open(configuration: configuration.engine, model: configuration.model)
        scoring = ScoringService(engine: engine, durability: durability, feed: feed, decisionLog: decisionLog)
        stateStore = store
    } else {
        scoring = ScoringService(
            engine: RiskEngine(configuration: configuration.engine, model: configuration.model), feed: feed,
            decisionLog: decisionLog)
    }
    let archiveService = zip(archiveConfiguration, decisionLog).map { archive, log in
        ArchiveService(configuration: archive, log: log, logger: logger)
    }
    let engineService = EngineService(
        scoring: scoring, configuration: configuration.engineService, stateStore: stateStore, logger: logger)
    let socketDoor = SocketDoor(configuration: configuration.socket, scoring: scoring, logger: logger, registry: registry)
    var demoFeed: KafkaDemoFeed?
    if let kafka = configuration.kafka, kafka.isEmbedded, configuration.kafkaDemoRate > 0 {
        demoFeed = KafkaDemoFeed(
            topic: kafka.inputTopic, rate: configuration.kafkaDemoRate, eventClockMs: { scoring.eventClockMs }, logger: logger)
    }
    let kafkaDoor = configuration.kafka.map { [demoFeed] kafka in
        KafkaDoor(
            configuration: kafka, scoring: scoring, logger: logger,
            onEmbeddedClusterStarted: { cluster in demoFeed?.clusterStarted(bootstrap: cluster.bootstrapServers) })
    }
    let dashboardDoor = configuration.dashboard.map { dashboard in
        DashboardDoor(
            configuration: dashboard, scoring: scoring, metricsText: { socketDoor.metricsExposition() }, logger: logger)
    }
    // Start order; shutdown runs in reverse: the dashboard and the demo feed stop first, then
    // the doors, then the archive (which archives what they answered to the end), then the
    // engine, and last the directory locks are given up.
    var services: [any Service] = [DirectoryLockService(locks: directoryLocks), engineService]
    if let archiveService { services.append(archiveService) }
    services.append(socketDoor)
    if let kafkaDoor { services.append(kafkaDoor) }
    if let demoFeed { services.append(demoFeed) }
    if let dashboardDoor { services.append(dashboardDoor) }
    return StreamifyApplication(
        scoring: scoring, engineService: engineService, socketDoor: socketDoor, kafkaDoor: kafkaDoor,
        dashboardDoor: dashboardDoor, archiveService: archiveService, services: services, directoryLocks: directoryLocks)
}

/// Both values, or nil if either is missing.
private func zip<First, Second>(_ first: First?, _ second: Second?) -> (First, Second)? {
    guard let first, let second else { return nil }
    return (first, second)
}
