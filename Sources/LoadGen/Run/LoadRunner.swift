import Foundation
import NIOCore
import NIOPosix
import ScoringClient
import Synchronization

/// What a run measured.
struct LoadRunResult: Sendable {
    var statistics: WorkerStatistics
    var generation: GenerationStatistics
    /// From the end of the warm-up to the last measured answer.
    var measuredSeconds: Double
    var wallSeconds: Double
    /// CPU time loadgen itself used from the start of sending to the end (user + system, all
    /// threads, background generation included; up-front generation not).
    var cpuSeconds: Double = 0
    /// Whether the run was stopped early (signal) or lost its connections.
    var interrupted: Bool
    var hasGroundTruth: Bool

    /// Transactions scored per second in the measured window.
    var throughput: Double {
        measuredSeconds > 0 ? Double(statistics.measuredTransactions) / measuredSeconds : 0
    }
}

/// Runs a workload: generates it ahead, connects, starts the senders on one clock, prints
/// progress, stops on time, count or request, and merges what every connection measured.
enum LoadRunner {
    static func run(
        _ configuration: LoadConfiguration,
        source: any WorkloadSource,
        control: RunControl,
        progress: (@Sendable (ProgressSnapshot) -> Void)? = nil
    ) async throws -> LoadRunResult {
        let hasGroundTruth = source.hasGroundTruth
        let limit = configuration.transactionLimit
        let producer = WorkloadProducer(
            source: source, connections: configuration.connections, batchSize: configuration.batchSize,
            explain: configuration.explain, transactionLimit: limit)
        let ahead = max(Int((configuration.rate ?? 50_000) * configuration.aheadSeconds), 20_000)
        producer.prefill(transactions: min(limit ?? ahead, max(configuration.pregenerateLimit, ahead)))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(configuration.connections, System.coreCount))
        var clients: [ScoringClient] = []
        do {
            for _ in 0..<configuration.connections {
                clients.append(try await ScoringClient.connect(to: configuration.target, tls: configuration.tls, eventLoopGroup: group))
            }
        } catch {
            for client in clients { try? await client.close() }
            _ = producer.stop(starvedPolls: 0)
            try? await group.shutdownGracefully()
            throw error
        }

        let cpuAtStart = ProcessCPUTime.seconds()
        let startNanos = LoadWorker.nowNanos() + 20_000_000
        let warmupNanos = UInt64(configuration.warmupSeconds * 1e9)
        let schedule = SendSchedule(
            startNanos: startNanos,
            nanosPerTransaction: configuration.rate.map { 1e9 / $0 },
            measureFromNanos: startNanos + warmupNanos,
            endNanos: configuration.durationSeconds.map { startNanos + warmupNanos + UInt64($0 * 1e9) })
        producer.startBackground(aheadTransactions: ahead)

        var workers: [LoadWorker] = []
        for (index, client) in clients.enumerated() {
            let queue = producer.queues[index]
            let worker = try await client.eventLoop.submit {
                let worker = LoadWorker(
                    client: client, queue: queue, producer: producer, control: control, schedule: schedule,
                    pipeline: configuration.pipeline, deadlineMilliseconds: configuration.deadlineMilliseconds)
                worker.start()
                return worker
            }.get()
            workers.append(worker)
        }
        let allFinished = Atomic<Bool>(false)
        EventLoopFuture.andAllComplete(workers.map(\.finished), on: group.any()).whenComplete { _ in
            allFinished.store(true, ordering: .releasing)
        }

        // Progress once a second. Sending stops at the schedule's end, or on request; answers
        // still missing `drainTimeoutSeconds` later are given up (the connections are closed, so
        // they count as connection failures) instead of waiting for a hung daemon forever.
        let drainNanos = UInt64(configuration.drainTimeoutSeconds * 1e9)
        var scheduleEndNanos = schedule.endNanos
        if scheduleEndNanos == nil, let rate = configuration.rate, let limit {
            scheduleEndNanos = startNanos + UInt64(Double(limit) / rate * 1e9)
        }
        var lastProgressNanos = startNanos
        var stopSentNanos: UInt64?
        var gaveUpWaiting = false
        var interrupted = false
        while !allFinished.load(ordering: .acquiring) {
            try? await Task.sleep(for: .milliseconds(50))
            let now = LoadWorker.nowNanos()
            if control.isStopping && stopSentNanos == nil {
                stopSentNanos = now
                interrupted = true
                for worker in workers { worker.eventLoop.execute { worker.stopSending() } }
            }
            let drainDeadline = [stopSentNanos, scheduleEndNanos].compactMap { $0 }.min().map { $0 + drainNanos }
            if !gaveUpWaiting, let drainDeadline, now > drainDeadline {
                gaveUpWaiting = true
                for client in clients { try? await client.close() }
            }
            if let progress, now >= lastProgressNanos + 1_000_000_000 {
                var interval = IntervalStatistics()
                var sent = 0
                var errors = 0
                for worker in workers {
                    let (part, totalSent, totalErrors) = try await worker.eventLoop.submit {
                        (worker.takeInterval(), worker.statistics.transactionsSent, worker.statistics.errorCount)
                    }.get()
                    interval.merge(part)
                    sent += totalSent
                    errors += totalErrors
                }
                // Timed after the counts were read: collecting them can take a while on a loaded
                // machine, and the workers keep sending meanwhile.
                let collected = LoadWorker.nowNanos()
                progress(
                    ProgressSnapshot(
                        elapsedSeconds: Double(collected - startNanos) / 1e9, transactionsSent: sent, interval: interval,
                        intervalSeconds: Double(collected - lastProgressNanos) / 1e9, errorsTotal: errors))
                lastProgressNanos = collected
            }
        }
        let endNanos = LoadWorker.nowNanos()

        var statistics = WorkerStatistics()
        var starvedPolls = 0
        for worker in workers {
            let (part, starved) = try await worker.eventLoop.submit { (worker.statistics, worker.starvedPolls) }.get()
            statistics.merge(part)
            starvedPolls += starved
        }
        let generation = producer.stop(starvedPolls: starvedPolls)
        for client in clients { try? await client.close() }
        try? await group.shutdownGracefully()

        let measureFrom = schedule.measureFromNanos
        let measuredSeconds =
            statistics.lastCompletionNanos > measureFrom ? Double(statistics.lastCompletionNanos - measureFrom) / 1e9 : 0
        return LoadRunResult(
            statistics: statistics, generation: generation, measuredSeconds: measuredSeconds,
            wallSeconds: Double(endNanos - startNanos) / 1e9, cpuSeconds: ProcessCPUTime.seconds() - cpuAtStart,
            interrupted: interrupted || statistics.connectionFailures > 0, hasGroundTruth: hasGroundTruth)
    }
}
