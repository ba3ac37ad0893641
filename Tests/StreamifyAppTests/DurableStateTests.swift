import Archive
import Foundation
import Logging
import ScoringClient
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StateStore
import StreamifyApp
import StreamifyWire
import Testing

/// A stop and a start on the same `--state-dir` change nothing: every later answer is the one an
/// uninterrupted server would have given.
@Suite("Durable state: a restart equals no restart")
struct DurableStateTests {
    /// Sends `requests` pipelined over one Unix-socket connection; the answers, in order.
    /// The replay requests, and a server on a new state directory that has answered the first thousand.
    static func startPlayingThousand() async throws -> ([Request], TestStateDirectory, RunningApplication) {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let directory = try TestStateDirectory()
        let live = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        _ = try await play(requests[..<1_000], on: live)
        return (requests, directory, live)
    }

    static func play(_ requests: some Collection<Request>, on running: RunningApplication) async throws -> [Response] {
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let futures = requests.map { client.send($0) }
        var answers: [Response] = []
        for future in futures { answers.append(ReplaySpeedTests.decision(try await future.get())) }
        try await client.close()
        return answers
    }

    /// What the engine has learned and kept, to compare beside the answers.
    struct EngineFacts: Equatable {
        var cards: Int
        var rounds: Int
        var updates: Int
        var refits: Int
        var switches: Int
        var models: String

        init(_ engine: RiskEngine) {
            cards = engine.cardsTracked
            rounds = engine.housekeepingRounds
            updates = engine.learner.updateCount
            refits = engine.refitsStarted
            switches = engine.challengerSwitches
            let models = engine.models
            self.models = "\(models.champion.version) \(models.challenger.version) \(models.challengerServes) \(models.generation)"
        }
    }

    static func uninterrupted(_ requests: [Request]) async throws -> (answers: [Response], facts: EngineFacts) {
        let running = try await ReplaySpeedTests.startServer()
        let answers = try await play(requests, on: running)
        let facts = EngineFacts(running.application.scoring.engine)
        try await running.stop()
        return (answers, facts)
    }

    /// How the first server ends.
    enum Stop: String, CaseIterable, CustomTestStringConvertible {
        /// Graceful: a final snapshot is written.
        case graceful
        /// As kill -9 leaves it: the state directory copied while the server still runs, so
        /// there is no final snapshot, only the journal of everything answered.
        case crash
        /// As `crash`, with snapshots compacted from the journal all along while requests are
        /// scored (every 16 KiB of journal, checked every 10 ms): segment rotation under load.
        case crashWithSnapshots

        var testDescription: String { rawValue }
    }

    // Before any label matured, in the middle of the outcome stream, after the challenger took over.
    @Test(
        "stopped or crashed after N requests, the server answers the rest as if never stopped",
        arguments: [700, 2_300, 3_600], Stop.allCases)
    func restartEqualsNoRestart(stopAfter: Int, stop: Stop) async throws {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let reference = try await Self.uninterrupted(requests)
        let directory = try TestStateDirectory()

        let learned = FileManager.default.temporaryDirectory.appendingPathComponent("learned-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: learned) }
        let first = try await ReplaySpeedTests.startServer(stateDirectory: directory.path) { configuration in
            // A graceful stop also writes the learned model; the state must not take that in.
            configuration.engineService.learningSnapshotPath = learned.path
            if stop == .crashWithSnapshots {
                configuration.engineService.gaugeInterval = .milliseconds(10)
                configuration.engineService.snapshotJournalBytes = 16 << 10
            }
        }
        let atStart = try #require(try Self.newestSnapshot(in: directory.path), "a start without a snapshot takes one")
        var answers = try await Self.play(requests.prefix(stopAfter), on: first)
        let cardsBefore = first.application.scoring.engine.cardsTracked
        var stateDirectory = directory.path
        let image = try TestStateDirectory()
        switch stop {
        case .graceful:
            try await first.stop()
        case .crash, .crashWithSnapshots:
            if stop == .crashWithSnapshots {
                // Snapshots are compacted from the journal in the background: wait for one
                // beyond the start's.
                let deadline = ContinuousClock.now + .seconds(30)
                while try Self.newestSnapshot(in: directory.path) == atStart, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try image.copyAsCrashImage(of: directory.path)
            stateDirectory = image.path
            let snapshots = try SnapshotStore(directory: image.path).snapshots().filter { $0.sequence > atStart }
            #expect((stop == .crash) == snapshots.isEmpty, "snapshots taken while scoring: \(snapshots.map(\.sequence))")
        }

        let second = try await ReplaySpeedTests.startServer(stateDirectory: stateDirectory)
        #expect(second.application.scoring.engine.cardsTracked == cardsBefore, "every card is back")
        answers += try await Self.play(requests.dropFirst(stopAfter), on: second)
        let facts = EngineFacts(second.application.scoring.engine)
        try await second.stop()
        if stop != .graceful { try await first.stop() }

        #expect(answers.count == reference.answers.count)
        let firstDifference = answers.indices.first { $0 < reference.answers.count && answers[$0] != reference.answers[$0] }
        #expect(firstDifference == nil, "answer \(firstDifference ?? -1) differs after a restart at \(stopAfter)")
        #expect(facts == reference.facts)
    }

    /// A logistic champion unlike the built-in one: the model file an operator changes to.
    static func newModel(version: String) throws -> RiskModel {
        var model = try RiskModel.decode(json: Array("""
            {"version": "new", "combiner": "logistic",
             "logistic": {"bias": -4, "coefficients": {"amount_score": 5, "velocity_score": 7, "geographic_score": 5,
                                                        "device_score": 5, "pattern_score": 5}},
             "thresholds": {"medium": 0.3, "high": 0.6, "critical": 0.85}}
            """.utf8))
        model.version = version
        return model
    }

    @Test(
        "a model reloaded mid-stream is in the journal: after a crash the restart (configured with the reloaded file) installs it at the same point; after a snapshot, what came between is replayed under the model that scored it",
        arguments: [false, true])
    func reloadIsReplayed(snapshotBeforeReload: Bool) async throws {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let reloaded = try Self.newModel(version: "reloaded-1")
        func run(crashing: Bool) async throws -> ([Response], EngineFacts) {
            let directory = try TestStateDirectory()
            let first = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
            var answers = try await Self.play(requests.prefix(1_000), on: first)
            if snapshotBeforeReload {
                // A snapshot under the first model, as the engine service takes one when the journal has grown.
                let store = try EngineStateStore(directory: directory.path, logger: Logger(label: "snapshot-test"))
                try store.compact(durability: try #require(first.application.scoring.durability))
            }
            answers += try await Self.play(requests[1_000..<1_500], on: first)
            // The operator writes the new model to the file and sends SIGHUP.
            first.application.scoring.install(reloaded)
            answers += try await Self.play(requests[1_500..<2_500], on: first)
            var server = first
            let image = try TestStateDirectory()
            if crashing {
                try image.copyAsCrashImage(of: directory.path)
                server = try await ReplaySpeedTests.startServer(stateDirectory: image.path) { $0.model = reloaded }
            }
            answers += try await Self.play(requests.dropFirst(2_500), on: server)
            let facts = EngineFacts(server.application.scoring.engine)
            try await server.stop()
            if crashing { try await first.stop() }
            return (answers, facts)
        }
        let uninterrupted = try await run(crashing: false)
        let crashed = try await run(crashing: true)
        #expect(crashed.1 == uninterrupted.1)
        #expect(crashed.1.models.hasPrefix("reloaded-1"), "\(crashed.1.models)")
        let firstDifference = crashed.0.indices.first { crashed.0[$0] != uninterrupted.0[$0] }
        #expect(firstDifference == nil, "answer \(firstDifference ?? -1) differs")
    }

    @Test("a model changed while the daemon was down, before any snapshot but the first start's: the journal is replayed under the model that scored it, then the new one is installed")
    func modelChangedBeforeFirstSnapshot() async throws {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let changed = try Self.newModel(version: "changed-1")
        let stopAfter = 1_500

        // Reference: one daemon, the new model installed at that point as a reload would.
        let directory = try TestStateDirectory()
        let live = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        let atStart = try #require(try Self.newestSnapshot(in: directory.path), "a start without a snapshot takes one")
        var expected = try await Self.play(requests.prefix(stopAfter), on: live)
        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        live.application.scoring.install(changed)
        expected += try await Self.play(requests.dropFirst(stopAfter), on: live)
        let expectedFacts = EngineFacts(live.application.scoring.engine)
        let expectedState = Self.stateBytes(live.application.scoring.engine)
        try await live.stop()

        // The same state as a crash left it, restarted with the changed model file.
        #expect(try Self.newestSnapshot(in: image.path) == atStart, "no snapshot but the start's")
        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: image.path) { $0.model = changed }
        let answers = try await Self.play(requests.dropFirst(stopAfter), on: restarted)
        let facts = EngineFacts(restarted.application.scoring.engine)
        let state = Self.stateBytes(restarted.application.scoring.engine)
        try await restarted.stop()

        #expect(facts == expectedFacts)
        #expect(state == expectedState, "the restarted engine's state differs from the live one's")
        let firstDifference = answers.indices.first { answers[$0] != expected[stopAfter + $0] }
        #expect(firstDifference == nil, "answer \(stopAfter + (firstDifference ?? 0)) differs")
    }

    /// The number of the newest snapshot in `directory` (a start without one writes one).
    static func newestSnapshot(in directory: String) throws -> UInt64? {
        try SnapshotStore(directory: directory).snapshots().first?.sequence
    }

    /// The engine's whole state as a snapshot would write it.
    static func stateBytes(_ engine: RiskEngine) -> [UInt8] {
        var writer = StateWriter()
        engine.writeState(to: &writer)
        return writer.finish()
    }

    @Test("two event loops scoring at once: a crash replays to the very state the live engine holds", .timeLimit(.minutes(2)))
    func concurrentLoopsReplayExactly() async throws {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path) { $0.socket.eventLoopThreads = 2 }
        // Four connections (two per loop), each a quarter of the stream, all at once.
        let connections = 4
        try await withThrowingTaskGroup(of: Void.self) { group in
            for part in 0..<connections {
                let share = requests.enumerated().filter { $0.offset % connections == part }.map(\.element)
                group.addTask { _ = try await Self.play(share, on: running) }
            }
            try await group.waitForAll()
        }
        try await Self.expectCrashReplaysExactly(running, directory: directory)
    }

    /// Expects a crash of `running` (a copy of its state `directory` as a crash leaves it) to
    /// restart to the very state its live engine holds, byte for byte; stops it.
    static func expectCrashReplaysExactly(_ running: RunningApplication, directory: TestStateDirectory) async throws {
        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        let live = stateBytes(running.application.scoring.engine)
        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: image.path)
        let replayed = stateBytes(restarted.application.scoring.engine)
        try await restarted.stop()
        try await running.stop()
        #expect(live.count == replayed.count)
        let firstDifference = zip(live, replayed).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "the replayed state differs from byte \(firstDifference ?? -1) of \(live.count)")
    }

    @Test("a stop's snapshot taken while a door still scores (a cancelled service group stops every service at once) holds each change once", .timeLimit(.minutes(2)))
    func stopSnapshotWhileScoringReplaysExactly() async throws {
        let (requests, labels, _) = ReplaySpeedTests.requests()
        let transactions = requests.count - labels
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        let durability = try #require(running.application.scoring.durability)
        let engine = running.application.scoring.engine
        let store = try EngineStateStore(directory: directory.path, logger: Logger(label: "stop-snapshot-test"))
        let scored = running.application.scoring.metrics
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await Self.play(requests, on: running) }
            // Once a fifth of the stream is in, with the rest still coming: the snapshot a
            // stop takes, as EngineService takes it after the doors' graceful shutdown.
            #expect(try await DashboardAPITests.waitUntil(seconds: 60) { scored.totalsSnapshot.transactions >= transactions / 5 })
            try await blocking { try store.snapshot(engine, durability: durability) }
            // Not an expectation that the stream was still coming: on a host busy with the rest
            // of the suite this task can wake after the stream ended (the CI of ebd1112 did), and
            // the test then proves nothing but cannot fail for it. Quiet, it always overlaps, and
            // without the pause it failed every time (bytes 752 and 5812 of the state).
            if scored.totalsSnapshot.transactions >= transactions {
                print("stopSnapshotWhileScoringReplaysExactly: the stream had ended before the snapshot; the race was not run")
            }
            try await group.waitForAll()
        }
        try await Self.expectCrashReplaysExactly(running, directory: directory)
    }

    @Test("a label refused as dated ahead of every clock stays refused after a crash, however late the restart")
    func wallClockRefusalIsNotReplayed() async throws {
        let directory = try TestStateDirectory()
        let oneSecondSkew: (inout StreamifyConfiguration) -> Void = { $0.engine.maximumClockSkewSeconds = 1 }
        let first = try await ReplaySpeedTests.startServer(stateDirectory: directory.path, oneSecondSkew)
        let eventTime: Int64 = 1_793_628_000_000  // 2026-11-02: the event clock stays there
        let transaction = Transaction(
            transactionID: "tx-1", cardID: "card-ahead", merchantID: "m-1", amountMinor: 4_500, currency: "USD",
            eventTimeMs: eventTime, country: "US")
        _ = try await Self.play([Request(requestID: 1, body: .score(transaction))], on: first)
        // Dated 30 s ahead of the wall clock just before it is sent, from a blocking client on a
        // thread of its own (a starved cooperative pool once delayed an async client's label
        // past a 10 s margin on a loaded CI host): refused.
        let path = try #require(first.addresses.unixSocketPath)
        let (answer, reported) = try await blocking { () throws -> (Response, Int64) in
            let connection = try RawConnection(unixPath: path, timeoutSeconds: 60)
            let reported = WallClock.unixMilliseconds() + 30_000
            let label = Feedback(
                transactionID: "tx-1", cardID: "card-ahead", merchantID: "m-1", label: .fraud, eventTimeMs: eventTime,
                reportedTimeMs: reported)
            return (try connection.call(Request(requestID: 2, body: .feedback(label))), reported)
        }
        #expect(answer.body == .ack(.refused))
        // By the restart the wall clock has passed the label's reported time: asked again, it
        // would admit the label (and hold it for the event clock).
        while WallClock.unixMilliseconds() <= reported + 1_000 { try await Task.sleep(for: .milliseconds(100)) }
        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        let second = try await ReplaySpeedTests.startServer(stateDirectory: image.path, oneSecondSkew)
        #expect(second.application.scoring.engine.cardsTracked == 1, "the transaction was replayed")
        #expect(second.application.scoring.engine.pendingLabelCount == 0, "the refused label was not")
        try await second.stop()
        try await first.stop()
    }

    @Test("while the journal cannot be written an answer waits, and leaves once its change is durable", .timeLimit(.minutes(2)))
    func answersWaitForTheJournal() async throws {
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        let path = try #require(running.addresses.unixSocketPath)
        let state = directory.path
        try await blocking {
            func isBreakdown(_ response: Response?) -> Bool {
                if case .breakdown = response?.body { return true }
                return false
            }
            let connection = try RawConnection(unixPath: path, timeoutSeconds: 1)
            #expect(isBreakdown(try connection.call(Request(requestID: 1, body: .score(Self.transaction(1))))))
            let disk = try FullDisk(directory: state, prefix: "journal-")
            try disk.fill()
            try connection.send(Request(requestID: 2, body: .score(Self.transaction(2))))
            // Scored, but its journal record cannot be written: no answer (a second's wait).
            #expect(throws: (any Error).self) { _ = try connection.receiveResponse() }
            try disk.free()
            // Now the answer comes, however busy the host: no second's limit on it.
            connection.setTimeout(30)
            let answer = try connection.receiveResponse()
            #expect(answer?.requestID == 2 && isBreakdown(answer), "\(String(describing: answer))")
        }
        // What was answered is in the journal: a crash now loses none of it.
        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: image.path)
        #expect(restarted.application.scoring.engine.cardsTracked == 2)
        try await restarted.stop()
        try await running.stop()
    }

    /// How a connection whose answer waits for the journal ends.
    enum EndWhileHeld: String, CaseIterable, CustomTestStringConvertible {
        /// The client half-closes: it has sent everything and waits for the answers.
        case halfClose
        /// The client sends a frame over `--max-frame` behind the request: the server ends the
        /// connection with FRAME_TOO_LARGE, after the answers owed.
        case frameTooLarge
        var testDescription: String { rawValue }
    }

    @Test("a connection that ends while its answer waits for the journal gets that answer first", .timeLimit(.minutes(2)), arguments: EndWhileHeld.allCases)
    func answersHeldForTheJournalOutliveTheEnd(_ end: EndWhileHeld) async throws {
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        let path = try #require(running.addresses.unixSocketPath)
        let state = directory.path
        try await blocking {
            let connection = try RawConnection(unixPath: path, timeoutSeconds: 1)
            let disk = try FullDisk(directory: state, prefix: "journal-")
            try disk.fill()
            var bytes = RawConnection.frame(WireCodec.encode(Request(requestID: 2, body: .score(Self.transaction(2)))))
            switch end {
            case .halfClose:
                try connection.send(bytes)
                connection.shutdownWrite()
            case .frameTooLarge:
                let tooLong = UInt32(Framing.defaultMaximumFrameLength + 1)
                bytes += (0..<Framing.headerLength).reversed().map { UInt8(truncatingIfNeeded: tooLong >> ($0 * 8)) }
                try connection.send(bytes)
            }
            // Scored, but its journal record cannot be written: no answer, and no close (a second's wait).
            #expect(throws: (any Error).self) { _ = try connection.receiveResponse() }
            try disk.free()
            // Now the answer comes, however busy the host: no second's limit on it.
            connection.setTimeout(30)
            let answer = try connection.receiveResponse()
            guard case .breakdown = answer?.body, answer?.requestID == 2 else {
                Issue.record("expected the breakdown of request 2, got \(String(describing: answer))")
                return
            }
            if end == .frameTooLarge {
                let refusal = try connection.receiveResponse()
                guard case .error(let error) = refusal?.body else {
                    Issue.record("expected FRAME_TOO_LARGE, got \(String(describing: refusal))")
                    return
                }
                #expect(error.code == .frameTooLarge && refusal?.requestID == 0)
            }
            #expect(try connection.receiveResponse() == nil, "then the server closes")
        }
        try await running.stop()
    }

    @Test("with --fsync interval, a failed background fdatasync keeps the daemon scoring and brings a snapshot forward", .timeLimit(.minutes(2)))
    func syncFailureBringsASnapshot() async throws {
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path) {
            $0.fsyncPolicy = .interval
            $0.engineService.gaugeInterval = .milliseconds(200)
        }
        let journal = try #require(running.application.scoring.durability?.journal)
        let path = try #require(running.addresses.unixSocketPath)
        let state = directory.path
        let snapshotsBefore = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasPrefix("snapshot-") }
        try await blocking {
            func isBreakdown(_ response: Response?) -> Bool {
                if case .breakdown = response?.body { return true }
                return false
            }
            let connection = try RawConnection(unixPath: path, timeoutSeconds: 10)
            let disk = try FullDisk(directory: state, prefix: "journal-")
            // Its record is written to nowhere, and the next background fdatasync fails.
            try disk.failSyncs()
            #expect(isBreakdown(try connection.call(Request(requestID: 1, body: .score(Self.transaction(1))))))
            for _ in 0..<200 where journal.syncFailures == 0 { usleep(50_000) }
            try disk.free()
            #expect(journal.syncFailures > 0, "the background fdatasync never failed")
            // Still scoring (it refused every change from then on), and a snapshot is taken.
            #expect(isBreakdown(try connection.call(Request(requestID: 2, body: .score(Self.transaction(2))))))
            for _ in 0..<200 where journal.needsSnapshot { usleep(50_000) }
            #expect(!journal.needsSnapshot, "no snapshot was taken after the failed fdatasync")
            #expect(isBreakdown(try connection.call(Request(requestID: 3, body: .score(Self.transaction(3))))))
        }
        let snapshotsAfter = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasPrefix("snapshot-") }
        #expect(snapshotsAfter != snapshotsBefore)
        try await running.stop()
    }

    static func transaction(_ index: Int) -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: "card-\(index)", merchantID: "m-1", amountMinor: 4_500, currency: "USD",
            eventTimeMs: 1_793_628_000_000 + Int64(index) * 60_000, country: "US")
    }

    @Test("a second server on the same state directory or archive is refused before it writes, and starts once the first has stopped")
    func directoriesAreHeldByOneServer() async throws {
        let directory = try TestStateDirectory()
        let database = directory.path + "/archive.sqlite"
        let configure: (inout StreamifyConfiguration) -> Void = { $0.archive = ArchiveConfiguration(databasePath: database) }
        let first = try await ReplaySpeedTests.startServer(stateDirectory: directory.path, configure)
        let segments = try Journal.segments(in: JournalLanes.directory(of: 0, in: database + ".log"))
        for (state, archive) in [(directory.path, nil), (nil, database), (directory.path + "/other", database)] {
            var configuration = StreamifyConfiguration()
            configuration.stateDirectory = state
            configuration.archive = archive.map(ArchiveConfiguration.init(databasePath:))
            do {
                _ = try buildApplication(configuration: configuration, logger: Logger(label: "second-server"))
                Issue.record("a second server on \(state ?? "-") / \(archive ?? "-") was built")
            } catch {
                #expect("\(error)".contains("in use by another scoring-server"), "\(error)")
            }
        }
        // The refused server made no segment of its own, which the first one's archive reader would follow.
        #expect(try Journal.segments(in: JournalLanes.directory(of: 0, in: database + ".log")) == segments)
        try await first.stop()
        let second = try await ReplaySpeedTests.startServer(stateDirectory: directory.path, configure)
        try await second.stop()
    }

    @Test("a damaged newest snapshot is set aside and the one before it, with the longer journal since, gives the same state")
    func damagedSnapshotFallsBack() async throws {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let directory = try TestStateDirectory()
        var cards: [Int] = []
        for part in [requests[..<1_000], requests[1_000..<2_000]] {
            let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
            _ = try await Self.play(part, on: running)
            cards.append(running.application.scoring.engine.cardsTracked)
            try await running.stop()
        }
        let store = try SnapshotStore(directory: directory.path)
        let written = try store.snapshots()
        // One per stop.
        #expect(written.count == 2)
        try directory.flipByte(in: written[0].path, at: 5_000)

        let fallback = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        #expect(fallback.application.scoring.engine.cardsTracked == cards[1], "the state of the second stop")
        try await fallback.stop()
        // That stop wrote a new snapshot; damage every one: the server still starts, on what the
        // journal segments still kept hold (the history before them is gone with the snapshots).
        for snapshot in try store.snapshots() { try directory.truncate(snapshot.path, to: 100) }
        let partial = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        #expect(partial.application.scoring.engine.cardsTracked <= cards[1])
        try await partial.stop()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.filter { $0.hasSuffix(".damaged") }.count == 3, "damaged snapshots are kept aside: \(names)")
    }

    @Test("with no snapshot readable, the journal that is left is replayed onto an empty engine, not set aside")
    func noSnapshotReplaysTheJournalLeft() async throws {
        let (_, directory, live) = try await Self.startPlayingThousand()
        let cards = live.application.scoring.engine.cardsTracked
        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        try await live.stop()
        // The crash image holds the snapshot taken at start (the empty state) and the journal
        // since; segment 0, before that snapshot, went with it.
        let written = try SnapshotStore(directory: image.path).snapshots()
        #expect(written.count == 1)
        for snapshot in written { try image.truncate(snapshot.path, to: 100) }
        let segments = try Journal.segments(in: image.path)
        #expect(segments.first.map { $0 > 0 } == true, "\(segments)")

        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: image.path)
        #expect(restarted.application.scoring.engine.cardsTracked == cards, "every change since the empty state, replayed")
        let names = try FileManager.default.contentsOfDirectory(atPath: image.path)
        #expect(!names.contains { $0.hasSuffix(Journal.unreplayedSuffix) }, "nothing set aside: \(names)")
        try await restarted.stop()
    }

    @Test("a compaction that finds no snapshot readable fails, so that the live engine is written instead of the journal's part")
    func compactionWithoutSnapshotFails() async throws {
        let (_, directory, live) = try await Self.startPlayingThousand()
        for snapshot in try SnapshotStore(directory: directory.path).snapshots() { try directory.truncate(snapshot.path, to: 100) }
        let store = try EngineStateStore(directory: directory.path, logger: Logger(label: "compact-test"))
        #expect(throws: (any Error).self) { try store.compact(durability: try #require(live.application.scoring.durability)) }
        try await live.stop()
    }

    @Test("a journal damaged mid-way: compaction refuses and touches nothing; a restart stops at the damage and sets the later segments aside")
    func damagedJournalSegment() async throws {
        let (requests, directory, live) = try await Self.startPlayingThousand()
        let segment = try #require(try Journal.segments(in: directory.path).last)
        let segmentPath = Journal.segmentPath(segment, in: directory.path)
        try directory.flipByte(in: segmentPath, at: 5_000)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: segmentPath))
        let store = try EngineStateStore(directory: directory.path, logger: Logger(label: "compact-test"))
        #expect(throws: Journal.Damaged.self) {
            try store.compact(durability: try #require(live.application.scoring.durability))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: segmentPath)) == damaged, "compaction cut nothing")
        // The live engine goes on in the segment compaction moved the journal to.
        _ = try await Self.play(requests[1_000..<2_000], on: live)
        #expect(try Journal.segments(in: directory.path).last == segment + 1)

        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: image.path)
        #expect(restarted.application.scoring.engine.cardsTracked < live.application.scoring.engine.cardsTracked)
        let names = try FileManager.default.contentsOfDirectory(atPath: image.path)
        #expect(names.contains { $0.hasSuffix(Journal.unreplayedSuffix) }, "the segment after the damage is kept aside: \(names)")
        try await restarted.stop()
        try await live.stop()
    }

    @Test("a journal found damaged by a compaction is repaired by a snapshot of the live engine: a crash after loses nothing", .timeLimit(.minutes(2)))
    func damagedJournalIsRepairedLive() async throws {
        let (requests, _, _) = ReplaySpeedTests.requests()
        let directory = try TestStateDirectory()
        let live = try await ReplaySpeedTests.startServer(stateDirectory: directory.path) {
            $0.engineService.gaugeInterval = .milliseconds(20)
            $0.engineService.snapshotJournalBytes = 256 << 10
        }
        let store = try SnapshotStore(directory: directory.path)
        let snapshotsAtStart = try store.snapshots().count
        _ = try await Self.play(requests[..<500], on: live)
        let segment = try #require(try Journal.segments(in: directory.path).last)
        let segmentPath = Journal.segmentPath(segment, in: directory.path)
        let segmentBytes = try FileManager.default.attributesOfItem(atPath: segmentPath)[.size] as? Int ?? 0
        #expect(segmentBytes > 5_000 && segmentBytes < 256 << 10, "no compaction yet: \(segmentBytes) bytes")
        try directory.flipByte(in: segmentPath, at: 5_000)
        // Enough more to call for a compaction, which meets the damage.
        var played = 500
        while try store.snapshots().count == snapshotsAtStart, played < requests.count {
            _ = try await Self.play(requests[played..<min(played + 500, requests.count)], on: live)
            played += 500
        }
        #expect(try await ArchiveEndToEndTests.waitUntil(seconds: 30) { try store.snapshots().count > snapshotsAtStart })
        let cards = live.application.scoring.engine.cardsTracked

        let image = try TestStateDirectory()
        try image.copyAsCrashImage(of: directory.path)
        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: image.path)
        #expect(restarted.application.scoring.engine.cardsTracked == cards, "every change, the damage behind the snapshot")
        let names = try FileManager.default.contentsOfDirectory(atPath: image.path)
        #expect(!names.contains { $0.hasSuffix(Journal.unreplayedSuffix) }, "\(names)")
        try await restarted.stop()
        try await live.stop()
    }

    @Test("a snapshot that cannot be read (an I/O error, not damage) is refused, and nothing is set aside")
    func unreadableSnapshotIsRefused() async throws {
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        try await running.stop()
        let newest = try #require(try SnapshotStore(directory: directory.path).snapshots().first)
        // A link to nothing in its place: open(2) fails, as it fails with EACCES or EIO (and
        // permissions cannot be taken away from root, who runs CI).
        try FileManager.default.removeItem(atPath: newest.path)
        try FileManager.default.createSymbolicLink(atPath: newest.path, withDestinationPath: newest.path + ".gone")
        await #expect(throws: StateFileError.self) {
            _ = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!names.contains { $0.hasSuffix(".damaged") }, "\(names)")
    }

    @Test("a snapshot whose file format word was flipped is refused, and set aside as the message says, the state resumes whole")
    func flippedSnapshotFormatWordFollowsTheAdvice() async throws {
        let directory = try TestStateDirectory()
        for index in 1...2 {
            let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
            try await blocking {
                let connection = try RawConnection(unixPath: try #require(running.addresses.unixSocketPath))
                _ = try connection.call(Request(requestID: UInt64(index), body: .score(Self.transaction(index))))
            }
            try await running.stop()
        }
        let newest = try #require(try SnapshotStore(directory: directory.path).snapshots().first)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: newest.path))
        bytes[8] ^= 0x04  // the file format word, after the 8-byte magic
        try bytes.write(to: URL(fileURLWithPath: newest.path))
        var message = ""
        await #expect {
            _ = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        } throws: { error in
            message = "\(error)"
            return (error as? StateFormatError)?.isOtherFormat == true
        }
        #expect(message.contains("rename it to \(newest.path).damaged"), "\(message)")
        try FileManager.default.moveItem(atPath: newest.path, toPath: newest.path + ".damaged")
        let restarted = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        #expect(restarted.application.scoring.engine.cardsTracked == 2, "the snapshot before and the journal since")
        try await restarted.stop()
    }

    @Test("a whole snapshot of another format is refused with a message naming both formats")
    func otherFormatIsRefused() async throws {
        let directory = try TestStateDirectory()
        let running = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        try await running.stop()
        let store = try SnapshotStore(directory: directory.path)
        var payload = try store.read(try #require(try store.snapshots().first))
        payload[0] &+= 1  // the engine state's format version
        try store.write(payload)
        await #expect {
            _ = try await ReplaySpeedTests.startServer(stateDirectory: directory.path)
        } throws: { error in
            let error = error as? StateFormatError
            return error?.isOtherFormat == true && error?.description.contains("this build reads format") == true
        }
    }
}

/// A temporary state directory, removed when the value goes.
final class TestStateDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("streamify-state-\(UUID().uuidString.prefix(8))").path
    }

    /// Copies the state directory at `source`, which a server may still be writing, here: what
    /// kill -9 would leave. A snapshot compaction can remove a file between the listing and
    /// its copy; the copy then starts again, a few times at most.
    func copyAsCrashImage(of source: String) throws {
        for attempt in 1...10 {
            do {
                try FileManager.default.copyItem(atPath: source, toPath: path)
                return
            } catch let error as CocoaError where error.code == .fileNoSuchFile && attempt < 10 {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    func flipByte(in file: String, at offset: Int) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[offset] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
    }

    func truncate(_ file: String, to length: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try bytes.prefix(length).write(to: URL(fileURLWithPath: file))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
