import Logging
import ServiceLifecycle

/// The daemon's service group: `services` run alongside it (Kafka sidecar, ...), and SIGTERM or
/// SIGINT shut everything down gracefully, in reverse start order.
public func buildServiceGroup(daemon: ScoringDaemon, alongside services: [any Service] = [], logger: Logger) -> ServiceGroup {
    ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [.init(service: daemon)] + services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
}
