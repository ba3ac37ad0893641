import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: a loop that falls behind sheds scoring work at once (`--max-queue-delay`)
/// instead of queueing it; pings and labels still get through, and it recovers by itself.
@Suite("Reliability: overload shedding (real binary)")
struct OverloadTests {
    /// A batch big enough to hold a single event loop far longer than the 5 ms budget.
    static let batchSize = 5_000
    static let queued = 200

    /// Sends one large batch on one connection, then `queued` single scores and a ping on a
    /// second connection on the same (only) event loop; returns the second connection's answers.
    static func flood(_ daemon: DaemonProcess) throws -> (batch: Response, answers: [Response]) {
        let busy = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
        let waiting = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
        #expect(Fixtures.pong(try waiting.call(Request(requestID: 1, body: .ping))) != nil)
        let batch = (0..<batchSize).map { Fixtures.transaction($0, card: "batch-\($0 % 300)") }
        try busy.send(Request(requestID: 2, body: .scoreBatch(batch)))
        var frames: [UInt8] = []
        for index in 0..<queued {
            frames += RawConnection.frame(WireCodec.encode(Request(requestID: UInt64(100 + index), body: .score(Fixtures.transaction(index, card: "single-\(index)")))))
        }
        frames += RawConnection.frame(WireCodec.encode(Request(requestID: 99_999, body: .ping)))
        try waiting.send(frames)
        let batchAnswer = try #require(try busy.receiveResponse())
        var answers: [Response] = []
        for _ in 0...queued { answers.append(try #require(try waiting.receiveResponse())) }
        return (batchAnswer, answers)
    }

    @Test("requests that waited behind a long batch are answered OVERLOADED; pings pass; scoring resumes")
    func shedsWhenBehind() throws {
        let daemon = try DaemonProcess.start(arguments: ["--event-loops", "1", "--metrics", "127.0.0.1:0"])
        let (batch, answers) = try Self.flood(daemon)
        #expect(batch.requestID == 2)
        #expect(answers.map(\.requestID) == (0..<Self.queued).map { UInt64(100 + $0) } + [99_999])
        let shed = answers.compactMap(Fixtures.error).filter { $0.code == .overloaded }
        let scored = answers.compactMap(Fixtures.breakdown)
        #expect(shed.count + scored.count == Self.queued)
        #expect(shed.count > 0, "nothing was shed behind a \(Self.batchSize)-transaction batch")
        #expect(shed.allSatisfy { $0.message.contains("--max-queue-delay") })
        #expect(Fixtures.pong(answers.last) != nil)

        // Once the loop has caught up, scoring is admitted again: wait for it, bounded.
        let connection = try RawConnection(unixPath: daemon.socketPath)
        var admitted = false
        for attempt in 0..<200 where !admitted {
            let response = try connection.call(Request(requestID: UInt64(10_000 + attempt), body: .score(Fixtures.transaction(attempt, card: "after"))))
            admitted = Fixtures.breakdown(response) != nil
            if !admitted { usleep(10_000) }
        }
        #expect(admitted)
        let metrics = try httpGet(port: try #require(daemon.metricsPort), path: "/metrics")
        #expect(metrics.contains("streamify_requests_shed_total \(shed.count)"))
        #expect(daemon.terminate() == 0)
    }

    @Test("with --max-queue-delay off, everything is scored, however late")
    func offScoresEverything() throws {
        let daemon = try DaemonProcess.start(arguments: ["--event-loops", "1", "--max-queue-delay", "off"])
        let (_, answers) = try Self.flood(daemon)
        #expect(answers.compactMap(Fixtures.breakdown).count == Self.queued)
        #expect(daemon.terminate() == 0)
    }
}
