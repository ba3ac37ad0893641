import ArgumentParser
import Logging
import Metrics
import Prometheus
import StreamifyApp
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
    @OptionGroup(title: "Kafka door") var kafka: KafkaOptions
    @OptionGroup(title: "Dashboard (HTTP door)") var dashboard: DashboardOptions
    @OptionGroup(title: "Archive") var archive: ArchiveOptions

    func run() async throws {
        let logger = makeLogger(label: "streamify.scoring-server", level: options.logLevel, format: options.logFormat)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let configuration: StreamifyConfiguration
        do {
            configuration = try makeConfiguration()
        } catch {
            logger.critical("invalid configuration", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        FileDescriptorLimit.raise(toFit: configuration.socket.maximumConnections, logger: logger)
        if configuration.stateDirectory == nil {
            logger.warning("state is kept in memory only: a restart forgets every card, label and learned model; --state-dir keeps them")
        }
        let application: StreamifyApplication
        do {
            application = try buildApplication(configuration: configuration, logger: logger, registry: registry)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        do {
            try await application.makeServiceGroup(logger: logger).run()
        } catch {
            logger.critical("daemon failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }

    /// The whole server's configuration from the options and the environment.
    func makeConfiguration() throws -> StreamifyConfiguration {
        let kafkaConfiguration = try kafka.makeConfiguration()
        var configuration = try options.makeConfiguration(listenersRequired: kafkaConfiguration == nil)
        configuration.kafka = kafkaConfiguration
        configuration.kafkaDemoRate = kafka.demoRate
        configuration.dashboard = try dashboard.makeConfiguration()
        configuration.archive = try archive.makeConfiguration()
        return configuration
    }
}
