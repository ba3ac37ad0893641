import SyntheticWorld
import Foundation
import NIOConcurrencyHelpers
import ScoringClient
import ScoringTestSupport
import Testing

@testable import LoadGen

@Suite("Load runner against the in-process fake daemon", .serialized, .timeLimit(.minutes(1)))
struct LoadRunnerTests {
    static func world(seed: UInt64 = 11, rate: Double = 2_000) -> WorldConfiguration {
        WorldConfiguration(seed: seed, cardCount: 2_000, merchantCount: 500, fraudRate: 0.02, transactionsPerSecond: rate)
    }

    /// Runs loadgen, set up by `configure`, with the transactions of `world` against a fake
    /// daemon that behaves as `behaviour` says, and stops the fake afterwards.
    static func run(
        behaviour: FakeScoringServer.Behaviour = .init(), world: WorldConfiguration = world(),
        _ configure: (inout LoadConfiguration) -> Void
    ) async throws -> LoadRunResult {
        let server = try await FakeScoringServer.start(behaviour: behaviour)
        var configuration = LoadConfiguration(target: .unix(path: server.socketPath))
        configure(&configuration)
        let result = try await LoadRunner.run(configuration, source: TransactionStream(configuration: world), control: RunControl())
        try await server.stop()
        return result
    }

    @Test func openLoopNeverRunsAheadOfItsSchedule() async throws {
        let result = try await Self.run { configuration in
            configuration.connections = 2
            configuration.pipeline = 32
            configuration.rate = 2_000
            configuration.awaitEveryAnswer(count: 2_000)
        }

        #expect(result.statistics.scoredTransactions == 2_000)
        #expect(result.statistics.errorCount == 0)
        #expect(result.statistics.latency.count == 2_000)
        // 2,000 transactions at 2,000/s cannot finish before their schedule does (the last one is
        // due at 0.9995 s), whatever the machine's load; how much later is a benchmark's
        // question, so only a hang is refused here.
        #expect(result.measuredSeconds >= 0.999, "measured \(result.measuredSeconds) s: ahead of the schedule")
        #expect(result.throughput <= 2_000 * 1.001, "throughput \(result.throughput)/s: ahead of the schedule")
        #expect(result.measuredSeconds < 30, "measured \(result.measuredSeconds) s")
        #expect(!result.interrupted)
    }

    @Test func durationBoundsAnOpenLoopRun() async throws {
        let result = try await Self.run(world: Self.world(rate: 1_000)) { configuration in
            configuration.rate = 1_000
            configuration.durationSeconds = 0.5
            configuration.warmupSeconds = 0.2
        }
        // 0.7 s at 1,000/s; only the 500 after the warm-up are measured.
        #expect((695...700).contains(result.statistics.transactionsSent), "sent \(result.statistics.transactionsSent)")
        #expect((490...505).contains(result.statistics.measuredTransactions), "measured \(result.statistics.measuredTransactions)")
    }

    /// The fake stalls 200 ms at the 100th request while the schedule keeps going at 1,000/s
    /// with one request in flight. Counted from the intended send time, about 200 requests
    /// see the stall (a sixth of 1,200); counted from when they were sent, only one would.
    @Test func stallsShowInTheLatencyNoCoordinatedOmission() async throws {
        let result = try await Self.run(behaviour: .init(stallOnRequest: 100, stallMilliseconds: 200), world: Self.world(rate: 1_000)) { configuration in
            configuration.connections = 1
            configuration.pipeline = 1
            configuration.rate = 1_000
            configuration.count = 1_200
            configuration.durationSeconds = nil
        }
        let latency = result.statistics.latency
        #expect(latency.count == 1_200)
        #expect(latency.max >= 195_000, "max \(latency.max) µs")
        #expect(latency.value(atPercentile: 90) >= 40_000, "p90 \(latency.value(atPercentile: 90)) µs")
        // And loadgen says it sent late because the pipeline was full, not because it was slow.
        #expect(result.statistics.sendLag.value(atPercentile: 90) >= 40_000)
    }

    @Test func closedLoopBatchesScoreEverythingAndTallyGroundTruth() async throws {
        let world = WorldConfiguration(seed: 5, cardCount: 1_000, merchantCount: 300, fraudRate: 0.02, feedbackDelayMs: 3_600_000)
        var expected = TransactionStream(configuration: world)
        var expectedFraud = 0
        var expectedTransactions = 0
        while expectedTransactions < 5_000 {
            if case .transaction(let labelled) = expected.next() {
                expectedTransactions += 1
                if labelled.truth.isFraud { expectedFraud += 1 }
            }
        }
        let result = try await Self.run(world: world) { configuration in
            configuration.connections = 3
            configuration.pipeline = 8
            configuration.batchSize = 10
            configuration.rate = nil
            configuration.awaitEveryAnswer(count: 5_000)
        }
        let statistics = result.statistics
        #expect(statistics.scoredTransactions == 5_000)
        #expect(statistics.errorCount == 0)
        #expect(statistics.detection.total == 5_000)
        #expect(statistics.detection.fraudCount == UInt64(expectedFraud))
        #expect(statistics.feedbackSent > 0 && statistics.feedbackAcknowledged == statistics.feedbackSent)
        // 10 transactions a request, plus a partial batch per connection at the end.
        #expect((500...503).contains(statistics.requestsSent - statistics.feedbackSent))
    }

    /// An endless run (a demo) reports progress each second and ends when asked to stop.
    @Test func aStopRequestEndsAnEndlessRun() async throws {
        let server = try await FakeScoringServer.start()
        var configuration = LoadConfiguration(target: .unix(path: server.socketPath))
        configuration.rate = 2_000
        configuration.durationSeconds = nil
        let control = RunControl()
        let snapshots = NIOLockedValueBox<[ProgressSnapshot]>([])
        let started = ContinuousClock.now
        let result = try await LoadRunner.run(configuration, source: TransactionStream(configuration: Self.world()), control: control) { snapshot in
            snapshots.withLockedValue { $0.append(snapshot) }
            control.requestStop()
        }
        let elapsed = (ContinuousClock.now - started) / .seconds(1)
        try await server.stop()
        #expect(result.interrupted)
        // Stopped after the first second's progress line: about 2,000 a second sent until then
        // (more when a loaded machine delays that line), all answered.
        let scored = result.statistics.scoredTransactions
        #expect(scored >= 1_800 && Double(scored) <= 2_000 * elapsed + 600, "scored \(scored) in \(elapsed) s")
        #expect(result.statistics.errorCount == 0)
        // The first progress line covers about a second; an open loop never runs ahead of its
        // schedule, however late a loaded machine prints that line.
        let first = try #require(snapshots.withLockedValue { $0.first })
        #expect(first.elapsedSeconds >= 1)
        #expect(first.interval.transactionsSent > 0)
        #expect(Double(first.transactionsSent) <= 2_000 * first.elapsedSeconds + 1, "sent \(first.transactionsSent) by \(first.elapsedSeconds) s")
        #expect(first.interval.latency.count > 0)
        #expect(first.line.contains("sent"))
    }

    @Test func anAnswerWithTheWrongRequestIDIsCountedAsAnError() async throws {
        let result = try await Self.run(behaviour: .init(wrongRequestIDOnRequest: 7)) { configuration in
            configuration.connections = 1
            configuration.rate = nil
            configuration.awaitEveryAnswer(count: 50)
        }
        #expect(result.statistics.unexpectedResponses == 1)
        #expect(result.statistics.scoredTransactions == 49)
    }

    /// A daemon that stops answering cannot hang the run: after the schedule's end and the
    /// drain timeout, the missing answers are given up and reported.
    @Test func aHungDaemonIsGivenUpOnAfterTheDrainTimeout() async throws {
        let server = try await FakeScoringServer.start(behaviour: .init(stallOnRequest: 20, stallMilliseconds: 60_000))
        var configuration = LoadConfiguration(target: .unix(path: server.socketPath))
        configuration.connections = 1
        configuration.rate = 1_000
        configuration.pipeline = 128
        configuration.count = 100
        configuration.durationSeconds = nil
        // Long enough for the 19 answers to arrive on a busy machine; far below the 60 s stall.
        configuration.drainTimeoutSeconds = 2
        // Built before the clock starts: the bound is on the run, not on building the world.
        let source = TransactionStream(configuration: Self.world())
        let started = ContinuousClock.now
        let result = try await LoadRunner.run(configuration, source: source, control: RunControl())
        let elapsed = (ContinuousClock.now - started).seconds
        try await server.stop()
        #expect(elapsed < 10, "took \(elapsed) s")
        #expect(result.interrupted)
        #expect(result.statistics.scoredTransactions == 19)
        #expect(result.statistics.connectionFailures == 81)
    }

    @Test func aLostConnectionIsReportedNotHung() async throws {
        let result = try await Self.run(behaviour: .init(closeOnRequest: 50)) { configuration in
            configuration.connections = 1
            configuration.rate = 5_000
            configuration.count = 1_000
            configuration.durationSeconds = nil
        }
        #expect(result.interrupted)
        #expect(result.statistics.connectionFailures >= 1)
        #expect(result.statistics.scoredTransactions == 49)
    }

    /// Losing one connection stops the others too: the run no longer measures what was asked.
    @Test func losingOneConnectionStopsTheRun() async throws {
        let result = try await Self.run(behaviour: .init(closeOnRequest: 200)) { configuration in
            configuration.connections = 2
            configuration.rate = 2_000
            configuration.durationSeconds = nil  // endless: only the lost connection ends it
        }
        #expect(result.interrupted)
        #expect(result.statistics.connectionFailures >= 1)
        // The first connection to reach its 200th request ends the run; the other stops then.
        let scored = result.statistics.scoredTransactions
        #expect(scored >= 199 && scored < 400, "scored \(scored)")
    }
}

extension LoadConfiguration {
    /// Sends `count` transactions, however long that takes, and waits for every answer: a
    /// machine busy with other suites may delay them for seconds.
    mutating func awaitEveryAnswer(count: Int) {
        self.count = count
        durationSeconds = nil
        drainTimeoutSeconds = 30
    }
}
