import Foundation
import NIOCore
import ScoringClient
import ScoringModel
import StreamifyApp
import StreamifyWire
import SyntheticWorld
import Testing

/// The daemon's answers depend on the transactions' event time only, never on how fast they came.
@Suite("Replay speed: event time, not wall clock")
struct ReplaySpeedTests {
    /// About five and a half days of a small world in 4,000 items, frauds reported a day later.
    static let world = WorldConfiguration(
        seed: 23, cardCount: 400, merchantCount: 80, fraudRate: 0.05, speedup: 240_000,
        transactionsPerSecond: 2_000, feedbackDelayMs: 86_400_000)
    static let itemCount = 4_000

    /// The stream as requests, numbered from 1 in stream order.
    static func requests() -> (requests: [Request], labels: Int, hoursSpanned: Int) {
        var stream = TransactionStream(configuration: world)
        var requests: [Request] = []
        var labels = 0
        var first: Int64?
        var last: Int64 = 0
        for index in 1...itemCount {
            switch stream.next() {
            case .transaction(let labelled):
                requests.append(Request(requestID: UInt64(index), body: .score(labelled.transaction)))
                first = first ?? labelled.transaction.eventTimeMs
                last = max(last, labelled.transaction.eventTimeMs)
            case .feedback(let feedback, _):
                requests.append(Request(requestID: UInt64(index), body: .feedback(feedback)))
                labels += 1
            }
        }
        return (requests, labels, Int((last - (first ?? last)) / 3_600_000))
    }

    /// A fresh server with a logistic champion and a challenger learning online (steps on each
    /// label, a refit each event-time day): labels a day late, unlabelled transactions
    /// legitimate after two days, merchant fraud rates a day behind.
    static func startServer(
        stateDirectory: String? = nil, _ configure: (inout StreamifyConfiguration) -> Void = { _ in }
    ) async throws -> RunningApplication {
        let model = try RiskModel.decode(
            json: Array(
                """
                {"version": "replay-test", "combiner": "logistic",
                 "logistic": {"bias": -5, "coefficients": {"amount_score": 6, "velocity_score": 6, "geographic_score": 6,
                                                            "device_score": 6, "pattern_score": 6}},
                 "thresholds": {"medium": 0.3, "high": 0.6, "critical": 0.85}}
                """.utf8))
        return try await RunningApplication.start { configuration in
            configuration.model = model
            configuration.stateDirectory = stateDirectory
            configuration.engine = EngineConfiguration(
                maximumLoggedTransactions: 50_000, outcomeMaturitySeconds: 2 * 86_400, outcomeDelayDays: 1)
            configure(&configuration)
        }
    }

    /// What a response says, without the server time it took.
    static func decision(_ response: Response) -> Response {
        var response = response
        if case .breakdown(var breakdown) = response.body {
            breakdown.serverTimeMicroseconds = 0
            response.body = .breakdown(breakdown)
        }
        return response
    }

    /// Plays `requests` over one Unix-socket connection; paced at `perSecond` or, with nil, all
    /// written at once (pipelined, as fast as the socket takes them). Returns the answers in
    /// order and the engine's housekeeping rounds and learner updates afterwards.
    static func play(
        _ requests: [Request], perSecond: Double?
    ) async throws -> (answers: [Response], rounds: Int, updates: Int, refits: Int, switches: Int) {
        let running = try await startServer()
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        var answers: [Response] = []
        if let perSecond {
            let clock = ContinuousClock()
            let started = clock.now
            for (index, request) in requests.enumerated() {
                if index % 20 == 0 { try await clock.sleep(until: started + .seconds(Double(index) / perSecond)) }
                answers.append(decision(try await client.send(request).get()))
            }
        } else {
            let futures = requests.map { client.send($0) }
            for future in futures { answers.append(decision(try await future.get())) }
        }
        try await client.close()
        let engine = running.application.scoring.engine
        let result = (
            answers, engine.housekeepingRounds, engine.learner.updateCount, engine.refitsStarted, engine.challengerSwitches
        )
        try await running.stop()
        return result
    }

    @Test("the same stream at 2,000 tx/s and at full speed gets the same answers, bit for bit")
    func pacedAndFullSpeedAgree() async throws {
        let (requests, labels, hours) = Self.requests()
        #expect(labels > 20, "the stream carries fraud reports")

        let paced = try await Self.play(requests, perSecond: 2_000)
        let fullSpeed = try await Self.play(requests, perSecond: nil)

        #expect(paced.answers.count == requests.count)
        #expect(paced.answers == fullSpeed.answers)
        // The answers only agree for the right reason if time moved inside the run: one
        // housekeeping round per event-time hour, and implicit legitimates learned at maturity
        // (two seconds of wall clock would have settled nothing on a timer).
        #expect(paced.rounds == fullSpeed.rounds)
        #expect(abs(paced.rounds - hours) <= 1, "rounds \(paced.rounds), hours spanned \(hours)")
        #expect(paced.updates == fullSpeed.updates)
        #expect(paced.updates > labels, "matured unlabelled transactions were learned from")
        // The challenger was refitted off the scoring path and took over at the same transaction in both runs.
        #expect(paced.refits > 0 && paced.refits == fullSpeed.refits, "refits \(paced.refits) vs \(fullSpeed.refits)")
        #expect(paced.switches > 0 && paced.switches == fullSpeed.switches, "switches \(paced.switches) vs \(fullSpeed.switches)")
        let learnedAnswers = paced.answers.filter { answer in
            if case .breakdown(let breakdown) = answer.body { return breakdown.modelVersion.contains("+online.") }
            return false
        }
        #expect(!learnedAnswers.isEmpty, "the challenger answered some")
    }
}
