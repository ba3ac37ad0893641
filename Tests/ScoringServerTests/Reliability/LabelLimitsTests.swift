import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: the labels the daemon holds or remembers are bounded by flags, shown by gauges,
/// and a label past the bound gets a clear answer.
@Suite("Reliability: label bounds (real binary, .offCooperativePool)")
struct LabelLimitsTests {
    /// A fraud label for transaction `index`, held: nothing has moved the event clock yet.
    static func heldLabel(_ index: Int) -> Request {
        Fixtures.label(index, card: "card-\(index)", requestID: UInt64(100 + index))
    }

    static func outcome(_ response: Response) -> LabelOutcome? {
        guard case .ack(let outcome) = response.body else { return nil }
        return outcome
    }

    /// Polls `/metrics` until the gauge `name` reads `value` (gauges refresh on the engine's
    /// timer, every 5 s, and print as decimals), bounded at 20 s.
    static func waitForGauge(_ name: String, _ value: Double, port: Int) throws -> Bool {
        try eventually(within: 20, every: 0.05) {
            let line = try httpGet(port: port, path: "/metrics").split(separator: "\n").first { $0.hasPrefix(name + " ") }
            return line?.split(separator: " ").last.flatMap({ Double($0) }) == value
        }
    }

    @Test("past --max-pending-labels a label reported ahead of the clock is REFUSED; the gauge shows the held ones")
    func pendingLabelsBounded() throws {
        let daemon = try DaemonProcess.start(arguments: ["--max-pending-labels", "2", "--metrics", "127.0.0.1:0"])
        let connection = try RawConnection(unixPath: daemon.socketPath)
        let outcomes = try (0..<3).map { Self.outcome(try connection.call(Self.heldLabel($0))) }
        #expect(outcomes == [.deferred, .deferred, .refused])
        // A held label's repeat is still a duplicate, not a refusal for room.
        #expect(Self.outcome(try connection.call(Self.heldLabel(1))) == .duplicate)
        #expect(try Self.waitForGauge("streamify_labels_pending", 2, port: try #require(daemon.metricsPort)))
        #expect(daemon.terminate() == 0)
    }

    @Test("with the outcome log off, labelled transactions are remembered (a repeat is DUPLICATE) and counted")
    func labelLedgerCounted() throws {
        let daemon = try DaemonProcess.start(arguments: [
            "--max-logged-transactions", "0", "--max-labelled-transactions", "1000", "--metrics", "127.0.0.1:0",
        ])
        let connection = try RawConnection(unixPath: daemon.socketPath)
        // Move the event clock past the labels' reported time, so they apply at once.
        _ = try connection.call(Request(requestID: 1, body: .score(Fixtures.transaction(0, card: "clock", at: Fixtures.start + 60_000))))
        let labels = (0..<3).map { Self.heldLabel($0) }
        #expect(try labels.map { Self.outcome(try connection.call($0)) } == [.applied, .applied, .applied])
        #expect(Self.outcome(try connection.call(labels[0])) == .duplicate)
        #expect(try Self.waitForGauge("streamify_labelled_transactions", 3, port: try #require(daemon.metricsPort)))
        #expect(daemon.terminate() == 0)
    }

    @Test(
        "a bad label bound refuses to start and says why",
        arguments: [
            (["--max-pending-labels=-1"], "--max-pending-labels must be 0 or more"),
            (["--max-labelled-transactions", "0"], "--max-labelled-transactions must be at least 1"),
        ])
    func badOption(arguments: [String], message: String) throws {
        let refusal = try #require(try DaemonProcess.refusal(arguments: arguments), "started with \(arguments)")
        #expect(refusal.contains(message), "\(refusal)")
    }
}
