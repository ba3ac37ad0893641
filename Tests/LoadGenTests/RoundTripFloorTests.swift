import StreamifyWire
import Testing

@testable import LoadGen

@Suite("Round-trip floor: echo server and blocking client", .timeLimit(.minutes(1)))
struct RoundTripFloorTests {
    static let client = BlockingRoundTrips(warmup: 10, roundTrips: 300)

    @Test func everyMeasuredRoundTripIsCounted() throws {
        let latencies = try FloorCommand.measureAgainstEcho(Self.client)
        #expect(latencies.count == UInt64(Self.client.measuredRoundTrips))
        #expect(latencies.value(atPercentile: 50) >= 1)
    }

    @Test func theRequestsAreTheSyntheticWorldsScoringRequestsInOrder() throws {
        for (index, frame) in Self.client.frames.enumerated() {
            let body = frame.dropFirst(Framing.headerLength)
            #expect(frame.prefix(Framing.headerLength).reduce(0) { $0 << 8 | Int($1) } == body.count)
            let request = try Array(body).withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
            #expect(request.requestID == UInt64(index + 1))
            guard case .score = request.body else {
                Issue.record("request \(index + 1) is not a single scoring request: \(String(describing: request.body))")
                return
            }
        }
    }

    @Test func anAnswerThatIsNotTheEchoFailsTheRun() {
        #expect(throws: BlockingRoundTrips.WrongAnswer.self) {
            _ = try FloorCommand.measureAgainstEcho(Self.client) { body in
                var changed = body
                changed[changed.count / 2] ^= 0xFF
                return changed
            }
        }
    }

    @Test func anAnswerLongerThanAnyRequestIsRefusedBeforeItIsRead() throws {
        // A megabyte: more than the socket buffers hold, so the server is still writing when the
        // client refuses the length and closes. The server's write must fail, not raise SIGPIPE.
        let error = try #require(throws: BlockingSocket.Failure.self) {
            _ = try FloorCommand.measureAgainstEcho(Self.client) { $0 + [UInt8](repeating: 0, count: 1 << 20) }
        }
        #expect(error.description.contains("over the limit"), "\(error)")
    }

    @Test func aDaemonAnswerThatIsNotTheRequestsBreakdownFailsTheRun() throws {
        let frame = Self.client.frames[0]
        let refused = WireCodec.encode(Response(requestID: 1, body: .error(WireError(code: .overloaded, message: "shed"))))
        #expect(throws: BlockingRoundTrips.WrongAnswer.self) {
            try Self.client.check(refused[...], to: frame, roundTrip: 0, from: .daemon)
        }
        let anotherRequests = WireCodec.encode(Response(requestID: 2, body: .error(WireError(code: .overloaded, message: "shed"))))
        #expect(throws: BlockingRoundTrips.WrongAnswer.self) {
            try Self.client.check(anotherRequests[...], to: frame, roundTrip: 0, from: .daemon)
        }
        #expect(throws: WireError.self) {
            try Self.client.check(frame.dropFirst(Framing.headerLength) + [0xFF], to: frame, roundTrip: 0, from: .daemon)
        }
    }

    @Test func theHostSummarySaysWhenIdleCPUsHaltAtOnce() {
        #expect(
            HostIdleSettings(driver: "haltpoll", guestHaltPollNanoseconds: 0).summary
                == "cpuidle driver haltpoll, guest_halt_poll_ns 0 (an idle vCPU halts at once: every wake-up goes through the hypervisor)")
        #expect(
            HostIdleSettings(driver: "haltpoll", guestHaltPollNanoseconds: 200_000).summary
                == "cpuidle driver haltpoll, guest_halt_poll_ns 200,000")
        #expect(HostIdleSettings(driver: nil, guestHaltPollNanoseconds: nil).summary == "cpuidle driver not reported")
    }

    @Test(arguments: ["tcp://127.0.0.1:7000", "unix:", "/tmp/s.sock"])
    func aTargetThatIsNotAUnixSocketIsRefused(target: String) {
        #expect(throws: (any Error).self) { try FloorCommand.parse(["--target", target]) }
    }
}
