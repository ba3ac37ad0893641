import NIOCore
import NIOPosix
import ScoringClient
import ScoringTestSupport
import StreamifyWire
import Testing

@Suite("ScoringClient against an in-process fake daemon", .timeLimit(.minutes(1)))
struct ScoringClientTests {
    static func transaction(_ index: Int, amountMinor: Int64) -> Transaction {
        Transaction(
            transactionID: "t-\(index)", cardID: "card-\(index % 7)", merchantID: "m-1",
            amountMinor: amountMinor, eventTimeMs: 1_767_225_600_000 + Int64(index))
    }

    @Test func scoresOneTransaction() async throws {
        let server = try await FakeScoringServer.start()
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        let breakdown = try await client.score(Self.transaction(1, amountMinor: 60_000))
        #expect(breakdown.transactionID == "t-1")
        #expect(breakdown.riskScore == FakeScoringServer.score(amountMinor: 60_000))
        #expect(breakdown.level == .high)
        #expect(breakdown.factors.count == 5)
        try await client.close()
        try await server.stop()
    }

    @Test("a request unanswered within the response timeout fails, with every one behind it, and the connection closes")
    func responseTimeout() async throws {
        // The second request stalls the fake for 30 s: far past the client's 5 s, which is long
        // enough that the first, unstalled request is answered in time on a busy machine (300 ms
        // was not, once, in CI).
        let server = try await FakeScoringServer.start(behaviour: .init(stallOnRequest: 2, stallMilliseconds: 30_000))
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath), responseTimeout: .seconds(5))
        _ = try await client.score(Self.transaction(1, amountMinor: 1_000))
        // The stall answers after 30 s with a breakdown: only the timeout fails these.
        let stuck = (client.send(Request(requestID: 2, body: .score(Self.transaction(2, amountMinor: 1_000)))),
                     client.send(Request(requestID: 3, body: .score(Self.transaction(3, amountMinor: 1_000)))))
        for future in [stuck.0, stuck.1] {
            await #expect(throws: ScoringClientError.responseTimedOut) { _ = try await future.get() }
        }
        await #expect(throws: ScoringClientError.connectionClosed) {
            _ = try await client.score(Self.transaction(4, amountMinor: 1_000))
        }
        try? await client.close()
        try await server.stop()
    }

    @Test("a connection that cannot be opened is an error naming the target and the reason")
    func connectFailureNamesTheTarget() async throws {
        let path = "/nonexistent-streamify-dir/s.sock"
        await #expect(throws: ScoringClientError.connectFailed(target: "unix:\(path)", reason: "No such file or directory")) {
            _ = try await ScoringClient.connect(to: .unix(path: path))
        }
    }

    @Test func scoresOverTCP() async throws {
        let server = try await FakeScoringServer.start(tcp: true)
        let client = try await ScoringClient.connect(to: try ScoringTarget(parsing: "tcp://127.0.0.1:\(server.port)"))
        let breakdowns = try await withThrowingTaskGroup(of: RiskBreakdown.self) { group in
            for index in 0..<20 { group.addTask { try await client.score(Self.transaction(index, amountMinor: 1_000)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(breakdowns.count == 20)
        #expect(Set(breakdowns.map(\.transactionID)).count == 20)
        try await client.close()
        try await server.stop()
    }

    @Test func throwsTheDaemonsWireError() async throws {
        let server = try await FakeScoringServer.start()
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        await #expect(throws: WireError(code: .invalidArgument, message: "must be positive", field: "amount_minor")) {
            try await client.score(Self.transaction(1, amountMinor: 0))
        }
        // The connection stays usable after an error answer.
        let pong = try await client.ping()
        #expect(pong.modelVersion == "fake-model")
        try await client.close()
        try await server.stop()
    }

    @Test func batchKeepsOrderAndPerItemErrors() async throws {
        let server = try await FakeScoringServer.start()
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        let amounts: [Int64] = [100, 0, 90_000, 30_000]
        let items = try await client.scoreBatch(amounts.enumerated().map { Self.transaction($0, amountMinor: $1) })
        #expect(items.count == 4)
        guard case .breakdown(let first) = items[0], case .error(let second) = items[1],
            case .breakdown(let third) = items[2], case .breakdown(let fourth) = items[3]
        else {
            Issue.record("unexpected items \(items)")
            return
        }
        #expect(first.transactionID == "t-0" && third.transactionID == "t-2" && fourth.transactionID == "t-3")
        #expect(second.code == .invalidArgument)
        #expect(third.level == .critical && fourth.level == .medium)
        try await client.send(Feedback(transactionID: "t-2", cardID: "card-2", label: .fraud, eventTimeMs: 1, reportedTimeMs: 2))
        try await client.close()
        try await server.stop()
    }

    /// The fake answers only once 16 requests wait: this passes only if the client pipelines,
    /// and each answer must reach the request that asked for it.
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try await FakeScoringServer.start(behaviour: .init(answerInGroupsOf: 16))
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        let futures = (0..<64).map { index in
            client.send(Request(requestID: UInt64(1000 + index), body: .score(Self.transaction(index, amountMinor: Int64(index + 1) * 1000))))
        }
        for (index, future) in futures.enumerated() {
            let response = try await future.get()
            #expect(response.requestID == UInt64(1000 + index))
            guard case .breakdown(let breakdown) = response.body else {
                Issue.record("expected a breakdown, got \(String(describing: response.body))")
                continue
            }
            #expect(breakdown.transactionID == "t-\(index)")
        }
        try await client.close()
        try await server.stop()
    }

    @Test func fastPathSummarisesPreEncodedFrames() async throws {
        let server = try await FakeScoringServer.start(behaviour: .init(answerInGroupsOf: 4))
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        let requests: [Request] = [
            Request(requestID: 1, body: .score(Self.transaction(1, amountMinor: 80_000))),
            Request(requestID: 2, body: .score(Self.transaction(2, amountMinor: -5))),
            Request(requestID: 3, body: .scoreBatch([Self.transaction(3, amountMinor: 10_000), Self.transaction(4, amountMinor: 0)])),
            Request(requestID: 4, body: .ping),
        ]
        let frames = requests.map { request -> ByteBuffer in
            var buffer = ByteBuffer()
            buffer.writeFrame(WireCodec.encode(request))
            return buffer
        }
        let summaries = try await client.send(frames: frames).asyncMap { try await $0.get() }
        #expect(summaries.map(\.requestID) == [1, 2, 3, 4])
        #expect(summaries[0].kind == .breakdown)
        #expect(summaries[0].items == [.init(riskScore: 0.8, level: .critical, serverTimeMicroseconds: 1)])
        #expect(summaries[1].kind == .error(.invalidArgument))
        #expect(summaries[2].kind == .breakdownBatch)
        #expect(summaries[2].items.map(\.errorCode) == [nil, .invalidArgument])
        #expect(summaries[2].items[0].level == .low)
        #expect(summaries[3].kind == .pong)
        try await client.close()
        try await server.stop()
    }

    /// Collects the summaries a burst's answers hand over, on the client's event loop.
    final class SummaryCollector: ResponseSummaryReceiver, @unchecked Sendable {
        private var results: [Result<ResponseSummary, any Error>] = []
        private let expected: Int
        let done: EventLoopPromise<[Result<ResponseSummary, any Error>]>

        init(expected: Int, eventLoop: any EventLoop) {
            self.expected = expected
            self.done = eventLoop.makePromise()
        }

        func receive(_ result: Result<ResponseSummary, any Error>) {
            results.append(result)
            if results.count == expected { done.succeed(results) }
        }
    }

    /// Sends requests `requestIDs`, encoded back to back, as one burst on `client`; returns what
    /// their answers handed over, in order.
    static func sendBurst(requestIDs: ClosedRange<Int>, on client: ScoringClient) async throws -> [Result<ResponseSummary, any Error>] {
        var frames = ByteBuffer()
        for index in requestIDs {
            frames.writeFrame(WireCodec.encode(Request(requestID: UInt64(index), body: .score(Self.transaction(index, amountMinor: Int64(index) * 1_000)))))
        }
        let collector = SummaryCollector(expected: requestIDs.count, eventLoop: client.eventLoop)
        try await client.eventLoop.submit { [frames] in
            client.writeOnEventLoop(frames: frames, count: requestIDs.count, to: collector)
            client.flushOnEventLoop()
        }.get()
        return try await collector.done.futureResult.get()
    }

    @Test func aBurstOfBackToBackFramesIsAnsweredFrameByFrameInOrder() async throws {
        let server = try await FakeScoringServer.start(behaviour: .init(answerInGroupsOf: 5))
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        let summaries = try await Self.sendBurst(requestIDs: 1...10, on: client).map { try $0.get() }
        #expect(summaries.map(\.requestID) == Array(1...10))
        #expect(summaries.allSatisfy { $0.kind == .breakdown })
        try await client.close()
        try await server.stop()
    }

    @Test func aBurstOnAClosedConnectionFailsEachOfItsRequests() async throws {
        let server = try await FakeScoringServer.start(behaviour: .init(closeOnRequest: 1))
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        await #expect(throws: ScoringClientError.connectionClosed) { try await client.ping() }
        let results = try await Self.sendBurst(requestIDs: 1...4, on: client)
        #expect(results.count == 4)
        for result in results {
            #expect(throws: ScoringClientError.connectionClosed) { try result.get() }
        }
        try await client.close()
        try await server.stop()
    }

    @Test func waitingRequestsFailWhenTheConnectionCloses() async throws {
        // The server answers nothing until 100 requests wait, and hangs up on the 3rd.
        let server = try await FakeScoringServer.start(behaviour: .init(answerInGroupsOf: 100, closeOnRequest: 3))
        let client = try await ScoringClient.connect(to: .unix(path: server.socketPath))
        let futures = (0..<5).map { client.send(Request(requestID: UInt64($0), body: .ping)) }
        for future in futures {
            await #expect(throws: ScoringClientError.connectionClosed) { try await future.get() }
        }
        // Requests after the close fail at once instead of hanging.
        await #expect(throws: ScoringClientError.connectionClosed) { try await client.ping() }
        try await client.close()
        try await server.stop()
    }

    /// A frame over the limit cannot be trusted to end anywhere sensible: the waiting request
    /// fails with `FrameTooLargeError`, and so does everything after it.
    @Test func anOversizedAnswerFailsTheConnection() async throws {
        let server = try await FakeScoringServer.start(behaviour: .init(oversizedAnswerOnRequest: 2))
        let client = try await ScoringClient.connect(
            to: .unix(path: server.socketPath), maximumFrameLength: Framing.defaultMaximumFrameLength)
        _ = try await client.ping()
        await #expect(throws: FrameTooLargeError(length: 2 << 20, limit: Framing.defaultMaximumFrameLength)) {
            try await client.ping()
        }
        await #expect(throws: ScoringClientError.connectionClosed) { try await client.ping() }
        try await client.close()
        try await server.stop()
    }

    @Test func connectingToNothingThrows() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await ScoringClient.connect(to: .unix(path: "/nonexistent/streamify-\(UInt32.random(in: 0...UInt32.max)).sock"))
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
