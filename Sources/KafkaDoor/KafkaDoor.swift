import RDKafka
import Foundation
import Logging
import ScoringEngine
import ScoringModel
import ServiceLifecycle

/// The Kafka door as a `Service`: joins a Kafka consumer group, scores every transaction through
/// the shared `ScoringService` (the same state the socket listeners use), and publishes alerts,
/// dead letters and merchant analytics, until graceful shutdown.
///
/// Delivery is at least once: an input offset is committed only after every output it caused
/// was acknowledged by the broker. State is keyed by card, so several instances in one group
/// stay correct when the input topic is keyed by card id (each card lives on one partition,
/// hence in one instance). All Kafka work runs on one dedicated thread, never on NIO's loops.
public final class KafkaDoor: Service, Sendable {
    /// As given; `run()` adds the embedded cluster's address and settings to a copy, not here.
    public let configuration: KafkaDoorConfiguration
    private let scoring: ScoringService
    private let logger: Logger
    private let counters = KafkaDoorCounters()
    private let stop = StopSignal()
    private let onEmbeddedClusterStarted: (@Sendable (KafkaMockCluster) -> Void)?

    /// - Parameters:
    ///   - scoring: the scoring API, shared with the socket door (one engine, one state).
    ///   - onEmbeddedClusterStarted: called with the mock cluster when `brokers` is `"embedded"`,
    ///     before consuming starts (to print its address or feed it demo traffic).
    public init(
        configuration: KafkaDoorConfiguration, scoring: ScoringService, logger: Logger,
        onEmbeddedClusterStarted: (@Sendable (KafkaMockCluster) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.scoring = scoring
        self.logger = logger
        self.onEmbeddedClusterStarted = onEmbeddedClusterStarted
    }

    /// What the Kafka door has done so far.
    public var statistics: KafkaDoorStatistics { counters.snapshot }

    /// Consumes until graceful shutdown or cancellation, then flushes, commits and leaves the group.
    public func run() async throws {
        var cluster: KafkaMockCluster?
        var configuration = self.configuration
        var bootstrap = configuration.brokers
        if configuration.isEmbedded {
            let embedded = try KafkaMockCluster(brokers: 1)
            var topics = [configuration.inputTopic, configuration.alertTopic, configuration.analyticsTopic,
                          configuration.effectiveDeadLetterTopic]
            topics += [configuration.labelsTopic, configuration.scoresTopic, configuration.effectiveChangelogTopic].compactMap { $0 }
            for topic in topics { try embedded.createTopic(topic, partitions: configuration.embeddedPartitions) }
            bootstrap = embedded.bootstrapServers
            // The mock broker answers an empty fetch only after fetch.wait.max.ms (it has no
            // long-poll wake-up), so keep that short for demo latency; -X settings still win.
            configuration.librdkafkaSettings.insert(("consumer.fetch.wait.max.ms", "10"), at: 0)
            logger.info("Embedded mock Kafka cluster started", metadata: ["bootstrap": "\(bootstrap)"])
            onEmbeddedClusterStarted?(embedded)
            cluster = embedded
        }
        let worker = try KafkaWorker(
            configuration: configuration, bootstrap: bootstrap, scoring: scoring, logger: logger, counters: counters,
            stop: stop)
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await Self.runOnDedicatedThread(worker)
        } onCancelOrGracefulShutdown: { [stop] in
            stop.request(.graceful)
        }
        withExtendedLifetime(cluster) {}
    }

    /// Asks the door to stop as after SIGTERM: flush, commit, leave the group.
    public func requestGracefulStop() {
        stop.request(.graceful)
    }

    /// Stops at once without flushing or committing, as if the process were killed (tests).
    public func simulateCrash() {
        stop.request(.crash)
    }

    private static func runOnDedicatedThread(_ worker: KafkaWorker) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do {
                    try worker.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "kafka-door"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
