import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

/// `--archive` in the real binary: a kill -9 loses no decision that was answered.
@Suite("Archive (real binary)", .offCooperativePool)
struct ArchiveDaemonTests {
    /// Rows in `table`, counted by Python's sqlite3; -1 while the file cannot be read.
    static func count(_ table: String, in database: String) -> Int {
        sqliteValue(database, "SELECT COUNT(*) FROM \(table)").flatMap(Int.init) ?? -1
    }

    /// `SCHED_IDLE` in <linux/sched.h>.
    static let scheduleIdle = 5

    @Test("kill -9 loses no answered decision: started again, the daemon archives the rest of its log")
    func killNineLosesNothing() throws {
        let directory = try makeTestDirectory("archive-kill")
        let database = directory.appendingPathComponent("warehouse.db").path
        let daemon = try DaemonProcess.start(arguments: ["--archive", database])
        // By default the archive thread yields the CPU to scoring (SCHED_IDLE); nothing else does.
        let opened = Date().addingTimeInterval(20)
        while !daemon.log.contains("archive open"), Date() < opened { Thread.sleep(forTimeInterval: 0.05) }
        let policies = daemon.threadSchedulingPolicies
        #expect(policies.filter { $0 == Self.scheduleIdle }.count == 1, "\(policies)")
        #expect(policies.filter { $0 == 0 }.count > 1, "\(policies)")
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 30)
        // A decision answered is one scored: a request admission control refuses on a busy host
        // (OVERLOADED) is no decision, and must not be archived either.
        var answered = 0
        for index in 0..<2_000 {
            let request = Request(requestID: UInt64(index), body: .score(Fixtures.transaction(index, card: "c\(index % 50)")))
            let response = try connection.call(request)
            if Fixtures.breakdown(response) != nil {
                answered += 1
            } else {
                #expect(Fixtures.error(response)?.code == .overloaded, "\(response)")
            }
        }
        #expect(answered > 1_900, "a sequential client is refused only rarely, on a busy host")
        daemon.signal(SIGKILL)
        _ = daemon.waitForExit(timeout: 10)

        // At normal priority the catch-up does not wait on whatever else a busy test host runs.
        let restarted = try DaemonProcess.start(arguments: ["--archive", database, "--archive-priority", "normal"])
        let deadline = Date().addingTimeInterval(30)
        while Self.count("raw_transactions", in: database) < answered, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(restarted.terminate() == 0)
        #expect(Self.count("raw_transactions", in: database) == answered)
        #expect(restarted.log.contains("archive closed"))
    }

    @Test(
        "a bad archive option refuses to start and says why",
        arguments: [
            (["--archive-priority", "fast"], "--archive-priority must be normal, background, idle, got 'fast'"),
            (["--archive-max-deferral", "soon"], "--archive-max-deferral must be a duration from 0s to 1h, got 'soon'"),
            (["--archive-max-deferral", "2h"], "--archive-max-deferral must be a duration from 0s to 1h, got '2h'"),
        ])
    func badOption(arguments: [String], message: String) throws {
        let directory = try makeTestDirectory("archive-option")
        let database = directory.appendingPathComponent("warehouse.db").path
        let refusal = try #require(try DaemonProcess.refusal(arguments: ["--archive", database] + arguments), "started with \(arguments)")
        #expect(refusal.contains(message), "\(refusal)")
    }
}
