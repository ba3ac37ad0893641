import ScoringClient
import ScoringModel
import ScoringTestSupport
import StreamifyWire
import Testing

/// A request's `explain`: which factors' reasons its breakdowns carry, over a real socket to the
/// application built from its composition root.
@Suite("Explain levels: reasons only as deep as the client asks")
struct ExplainTests {
    typealias T = CompositionRootTests

    /// The factors whose reason is not empty.
    static func explained(_ breakdown: RiskBreakdown) -> [Factor] {
        breakdown.factors.filter { !$0.reason.isEmpty }.map(\.factor)
    }

    /// The factor `topFactor` explains: the largest contribution, the first among equals.
    static func top(_ breakdown: RiskBreakdown) -> Factor? {
        var best: FactorScore?
        for factor in breakdown.factors where best == nil || factor.contribution > best!.contribution { best = factor }
        return best?.factor
    }

    static func errorCode(_ response: Response?) -> ErrorCode? {
        if case .error(let error) = response?.body { error.code } else { nil }
    }

    static func breakdowns(_ items: [BatchItem]) -> [RiskBreakdown] {
        items.compactMap { item in
            if case .breakdown(let breakdown) = item { breakdown } else { nil }
        }
    }

    @Test("all five reasons by default, the top factor's alone, or none; scores and factors stay whole")
    func singleTransactions() async throws {
        let running = try await RunningApplication.start()
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let allFactors = RiskFactor.allCases.count

        let all = try await client.score(T.transaction(1, card: "card-all"))
        #expect(Self.explained(all).count == allFactors)
        let top = try await client.score(T.transaction(1, card: "card-top"), explain: .topFactor)
        #expect(top.factors.count == allFactors)
        #expect(Self.explained(top).count == 1)
        #expect(Self.explained(top).first == Self.top(top))
        let none = try await client.score(T.transaction(1, card: "card-none"), explain: Explain.none)
        #expect(none.factors.count == allFactors)
        #expect(Self.explained(none).isEmpty)
        // The same transaction on three fresh cards: the same decision, whatever is explained.
        #expect(none.riskScore == all.riskScore && top.riskScore == all.riskScore)
        #expect(none.level == all.level)
        #expect(none.factors.map(\.score) == all.factors.map(\.score))
        #expect(none.factors.map(\.contribution) == all.factors.map(\.contribution))

        try await client.close()
        try await running.stop()
    }

    @Test("batches follow the request's explain, sliced large ones too")
    func batches() async throws {
        let running = try await RunningApplication.start()
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let small = (0..<10).map { T.transaction($0, card: "small-\($0)") }
        let smallAnswers = Self.breakdowns(try await client.scoreBatch(small, explain: .topFactor))
        #expect(smallAnswers.count == small.count)
        for breakdown in smallAnswers {
            #expect(Self.explained(breakdown).count == 1)
            #expect(Self.explained(breakdown).first == Self.top(breakdown))
        }
        // Larger than a slice (FrameProcessor.batchSlice): decoded and answered over several turns.
        let large = (0..<300).map { T.transaction($0, card: "large-\($0 % 40)") }
        let largeAnswers = Self.breakdowns(try await client.scoreBatch(large, explain: Explain.none))
        #expect(largeAnswers.count == large.count)
        #expect(largeAnswers.allSatisfy { Self.explained($0).isEmpty && $0.factors.count == RiskFactor.allCases.count })
        let defaultAnswers = Self.breakdowns(try await client.scoreBatch((0..<200).map { T.transaction($0, card: "d-\($0)") }))
        #expect(defaultAnswers.allSatisfy { Self.explained($0).count == RiskFactor.allCases.count })

        try await client.close()
        try await running.stop()
    }

    @Test("an explain value the server does not know is refused INVALID_ARGUMENT on the field, and nothing is scored")
    func unknownLevelRefused() async throws {
        let running = try await RunningApplication.start()
        let connection = try RawConnection(unixPath: try #require(running.addresses.unixSocketPath))
        // Field 8 (explain), varint 9, appended: protobuf takes the last occurrence of a field.
        let explainKey = UInt8(8 << 3)
        for (id, body) in [(UInt64(3), Request.Body.score(T.transaction(1, card: "odd"))), (4, .scoreBatch([T.transaction(2, card: "odd")]))] {
            try connection.send(RawConnection.frame(WireCodec.encode(Request(requestID: id, body: body)) + [explainKey, 9]))
            let answer = try #require(try connection.receiveResponse())
            #expect(answer.requestID == id)
            guard case .error(let error) = answer.body else {
                Issue.record("expected an error, got \(String(describing: answer.body))")
                continue
            }
            #expect(error.code == .invalidArgument)
            #expect(error.field == "explain")
            #expect(error.message == "explain 9 is not one of EXPLAIN_ALL, EXPLAIN_TOP_FACTOR or EXPLAIN_NONE")
        }
        // Large enough to be sliced: refused all the same, nothing scored.
        let large = (0..<200).map { T.transaction($0, card: "odd-\($0)") }
        try connection.send(RawConnection.frame(WireCodec.encode(Request(requestID: 5, body: .scoreBatch(large))) + [explainKey, 9]))
        #expect(Self.errorCode(try connection.receiveResponse()) == .invalidArgument)
        // A request that scores nothing ignores it.
        try connection.send(RawConnection.frame(WireCodec.encode(Request(requestID: 6, body: .ping)) + [explainKey, 9]))
        guard case .pong = try #require(try connection.receiveResponse()).body else {
            Issue.record("a ping with an unknown explain was not answered with a pong")
            return
        }
        #expect(running.application.scoring.engine.cardsTracked == 0)
        try await running.stop()
    }
}
