import ArgumentParser
import KafkaSidecar
import Logging
import Metrics
import Prometheus
import ScoringDaemon
import ServiceLifecycle

/// `scoring-server`: the Streamify card-fraud scoring daemon.
@main
struct ScoringServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoring-server",
        abstract: "Real-time card-fraud scoring over Unix and TCP sockets (length-prefixed protobuf).",
        discussion: """
            Every option can also be set through the environment variable named in its help.
            SIGTERM or SIGINT: stop accepting, answer everything already received, exit 0.
            """
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup(title: "Kafka sidecar mode") var kafka: KafkaOptions

    func run() async throws {
        let logger = makeLogger(label: "streamify.scoring-server", level: options.logLevel, format: options.logFormat)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let configuration: DaemonConfiguration
        let sidecarConfiguration: KafkaSidecarConfiguration?
        do {
            sidecarConfiguration = try kafka.makeConfiguration()
            configuration = try options.makeConfiguration(listenersRequired: sidecarConfiguration == nil)
        } catch {
            logger.critical("invalid configuration", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        let daemon = ScoringDaemon(configuration: configuration, logger: logger, registry: registry)
        // The sidecar scores with the daemon's engine: one state for sockets and Kafka.
        let demoRate = kafka.demoRate
        let sidecar = sidecarConfiguration.map { configuration in
            KafkaSidecar(
                configuration: configuration, engine: daemon.engine, logger: logger,
                onEmbeddedClusterStarted: { cluster in
                    guard demoRate > 0 else { return }
                    DemoFeeder.start(
                        bootstrap: cluster.bootstrapServers, topic: configuration.inputTopic, rate: demoRate, logger: logger)
                })
        }
        let group = buildServiceGroup(daemon: daemon, alongside: sidecar.map { [$0] } ?? [], logger: logger)
        do {
            try await group.run()
        } catch {
            logger.critical("daemon failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
