import Foundation
import Logging
import RDKafka
import ServiceLifecycle
import StreamifyWire
import SyntheticWorld

/// Feeds the embedded mock cluster's input topic with the synthetic world at a fixed rate, for
/// demos: every other transaction as protobuf, the rest as the Python producers' JSON.
///
/// A ServiceLifecycle `Service`. `run()` waits until the Kafka door reports its embedded
/// cluster (`clusterStarted(bootstrap:)`), then produces until graceful shutdown or
/// cancellation, and flushes what it has produced before returning. Place it after the Kafka
/// door in the service group, so it stops first.
public final class KafkaDemoFeed: Service, Sendable {
    private let topic: String
    private let rate: Int
    private let eventClockMs: @Sendable () -> Int64?
    private let logger: Logger
    private let bootstraps: AsyncStream<String>
    private let announce: AsyncStream<String>.Continuation

    /// - Parameters:
    ///   - topic: the Kafka door's input topic.
    ///   - rate: transactions per second.
    ///   - eventClockMs: the scoring engine's event clock (Unix ms, nil before any event), which
    ///     the feed starts past when it is ahead of the wall clock (`WorldConfiguration.demoStartMs`).
    public init(topic: String, rate: Int, eventClockMs: @escaping @Sendable () -> Int64?, logger: Logger) {
        self.topic = topic
        self.rate = max(rate, 1)
        self.eventClockMs = eventClockMs
        self.logger = logger
        (bootstraps, announce) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the feed where the embedded cluster listens; it starts producing then.
    public func clusterStarted(bootstrap: String) {
        announce.yield(bootstrap)
        announce.finish()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            guard let bootstrap = await bootstraps.first(where: { _ in true }) else { return }
            do {
                try await feed(bootstrap: bootstrap)
            } catch is CancellationError {
            } catch {
                logger.error("demo feed stopped", metadata: ["error": "\(error)"])
            }
        }
    }

    private func feed(bootstrap: String) async throws {
        let producer = try KafkaRecordProducer(bootstrapServers: bootstrap)
        defer { _ = producer.flush(timeoutSeconds: 5) }
        let startMs = WorldConfiguration.demoStartMs(wallClockMs: WallClock.unixMilliseconds(), eventClockMs: eventClockMs())
        var stream = TransactionStream(configuration: .demo(rate: rate, startMs: startMs))
        logger.info("demo feed producing", metadata: ["topic": "\(topic)", "rate": "\(rate)"])
        let clock = ContinuousClock()
        let started = clock.now
        var sent = 0
        while !Task.isCancelled {
            let due = Int((clock.now - started) / .seconds(1) * Double(rate))
            while sent < due {
                guard case .transaction(let labelled) = stream.next() else { continue }
                let transaction = labelled.transaction
                let value = sent % 2 == 0 ? WireCodec.encode(transaction) : Array(SalesEventJSON.encode(transaction).utf8)
                try producer.send(topic: topic, key: Array(transaction.cardID.utf8), value: value)
                sent += 1
            }
            producer.poll(timeoutMs: 0)
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
