import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: a loop that falls behind sheds scoring work at once (`--max-queue-delay`)
/// instead of queueing it; pings and labels still get through, and it recovers by itself.
@Suite("Reliability: overload shedding (real binary, .offCooperativePool)")
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
        let daemon = try DaemonProcess.start(arguments: ["--event-loops", "1", "--max-queue-delay", "5ms", "--metrics", "127.0.0.1:0"])
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
        // A request shed while the loop is still catching up is counted by the metric too.
        var shedWhileWaiting = 0
        for attempt in 0..<200 where !admitted {
            let response = try connection.call(Request(requestID: UInt64(10_000 + attempt), body: .score(Fixtures.transaction(attempt, card: "after"))))
            admitted = Fixtures.breakdown(response) != nil
            if let error = Fixtures.error(response), error.code == .overloaded, error.message.contains("--max-queue-delay") {
                shedWhileWaiting += 1
            }
            if !admitted { usleep(10_000) }
        }
        #expect(admitted)
        let metrics = try httpGet(port: try #require(daemon.metricsPort), path: "/metrics")
        // On a busy host the batch itself can arrive late and be shed: the metric counts it too.
        let batchShed = Fixtures.error(batch)?.code == .overloaded ? 1 : 0
        #expect(metrics.contains(#"streamify_requests_shed_total{reason="queue_delay"} \#(batchShed + shed.count + shedWhileWaiting)"#))
        #expect(daemon.terminate() == 0)
    }

    @Test("with --max-queue-delay off, everything is scored, however late")
    func offScoresEverything() throws {
        let daemon = try DaemonProcess.start(arguments: ["--event-loops", "1", "--max-queue-delay", "off"])
        let (_, answers) = try Self.flood(daemon)
        #expect(answers.compactMap(Fixtures.breakdown).count == Self.queued)
        #expect(daemon.terminate() == 0)
    }

    @Test("connections that send batches and never read hold no more than --max-buffered-output; then scoring is refused until they read")
    func bufferedOutputBudget() throws {
        let budget = 1 << 20
        let daemon = try DaemonProcess.start(arguments: ["--max-buffered-output", "\(budget)", "--metrics", "127.0.0.1:0"])
        let size = 2_000
        let batch = Request(requestID: 1, body: .scoreBatch((0..<size).map { Fixtures.transaction($0, card: "reader-\($0 % 100)") }))
        let metricsPort = try #require(daemon.metricsPort)
        var silent: [RawConnection] = []
        for sent in 1...60 {
            let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 30)
            try connection.send(batch)
            silent.append(connection)
            // One batch at a time, answered or shed before the next: batches decoding at once
            // count their decoded transactions too, and would shed one another instead.
            let settled = try eventually(within: 30) {
                let metrics = try httpGet(port: metricsPort, path: "/metrics")
                let scored = Self.gauge("streamify_transactions_scored_total", in: metrics) ?? 0
                let shed = Self.gauge(#"streamify_requests_shed_total{reason="buffered_output"}"#, in: metrics) ?? 0
                return scored / size + shed >= sent
            }
            #expect(settled, "batch \(sent) was neither answered nor shed")
        }
        // The unread answers fill the budget but for less than a batch's decoded transactions
        // (about 650 KB here): a fresh batch is refused for it, at admission or while it decodes.
        let probe = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 30)
        let refusal = Fixtures.error(try probe.call(Request(requestID: 100, body: batch.body)))
        #expect(refusal?.code == .overloaded && refusal?.message.contains("--max-buffered-output") == true, "\(String(describing: refusal))")
        let metrics = try httpGet(port: metricsPort, path: "/metrics")
        let buffered = try #require(Self.gauge("streamify_buffered_output_bytes", in: metrics))
        // Each unread answer holds about 120 KB here; never more than the budget in all.
        #expect(buffered > 0 && buffered <= budget, "\(buffered) bytes buffered")
        #expect(Fixtures.pong(try probe.call(Request(requestID: 9, body: .ping))) != nil)

        // The clients read their answers (whole or refused): the budget frees and scoring resumes.
        for connection in silent { #expect(try connection.receiveResponse()?.requestID == 1) }
        var scored = false
        for attempt in 0..<300 where !scored {
            scored = Fixtures.breakdown(try probe.call(Request(requestID: UInt64(1_000 + attempt), body: .score(Fixtures.transaction(attempt, card: "later"))))) != nil
            if !scored { usleep(20_000) }
        }
        #expect(scored)
        let after = try httpGet(port: try #require(daemon.metricsPort), path: "/metrics")
        #expect(Self.gauge("streamify_buffered_output_bytes", in: after) == 0)
        #expect(daemon.terminate() == 0)
    }

    @Test("partly sent frames past --max-buffered-input: the connection that goes over is refused and closed; others go on")
    func bufferedInputBudget() throws {
        let daemon = try DaemonProcess.start(arguments: ["--max-buffered-input", "\(1 << 20)", "--metrics", "127.0.0.1:0"])
        // Each client announces a 900 KB frame and sends 300 KB of it, then waits.
        let announced = 900_000
        let part = [UInt8(announced >> 24), UInt8(announced >> 16 & 0xFF), UInt8(announced >> 8 & 0xFF), UInt8(announced & 0xFF)]
            + [UInt8](repeating: 0x0A, count: 300_000)
        var parked: [RawConnection] = []
        var refused = 0
        for index in 0..<8 {
            let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 10)
            do {
                try connection.send(part)
            } catch {
                // Refused part-way: the daemon closed before taking all 300 KB.
                #expect(index >= 3, "connection \(index) could not send: \(error)")
            }
            parked.append(connection)
        }
        // The first three fit (900 KB held); each later one is answered OVERLOADED and closed.
        for (index, connection) in parked.enumerated().dropFirst(3) {
            let answer = try connection.receiveResponse()
            let error = Fixtures.error(answer)
            #expect(error?.code == .overloaded, "connection \(index): \(String(describing: answer))")
            #expect(error?.message.contains("--max-buffered-input") == true)
            #expect(connection.isClosedByPeer())
            refused += 1
        }
        #expect(refused == 5)
        // Small requests need no budget; the parked ones are still open.
        let fresh = try RawConnection(unixPath: daemon.socketPath)
        #expect(Fixtures.breakdown(try fresh.call(Request(requestID: 1, body: .score(Fixtures.transaction(1))))) != nil)
        let metrics = try httpGet(port: try #require(daemon.metricsPort), path: "/metrics")
        #expect(Self.gauge("streamify_buffered_input_bytes", in: metrics) == 3 * 300_004, "\(metrics)")
        #expect(metrics.contains(#"streamify_connections_refused_total{reason="buffered_input"} 5"#))
        // Closing the parked ones gives their share back.
        parked.removeAll()
        var released = false
        for _ in 0..<200 where !released {
            released = Self.gauge("streamify_buffered_input_bytes", in: try httpGet(port: try #require(daemon.metricsPort), path: "/metrics")) == 0
            if !released { usleep(20_000) }
        }
        #expect(released)
        #expect(daemon.terminate() == 0)
    }

    /// An unlabelled gauge's value.
    static func gauge(_ name: String, in metrics: String) -> Int? { metricSamples(name, in: metrics).first }
}
