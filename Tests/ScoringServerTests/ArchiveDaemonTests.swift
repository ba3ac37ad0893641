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

    @Test("kill -9 loses no answered decision: started again, the daemon archives the rest of its log")
    func killNineLosesNothing() throws {
        let directory = try makeTestDirectory("archive-kill")
        let database = directory.appendingPathComponent("warehouse.db").path
        let daemon = try DaemonProcess.start(arguments: ["--archive", database])
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 30)
        let answered = 2_000
        for index in 0..<answered {
            let request = Request(requestID: UInt64(index), body: .score(Fixtures.transaction(index, card: "c\(index % 50)")))
            #expect(Fixtures.breakdown(try connection.call(request)) != nil)
        }
        daemon.signal(SIGKILL)
        _ = daemon.waitForExit(timeout: 10)

        let restarted = try DaemonProcess.start(arguments: ["--archive", database])
        let deadline = Date().addingTimeInterval(30)
        while Self.count("raw_transactions", in: database) < answered, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(restarted.terminate() == 0)
        #expect(Self.count("raw_transactions", in: database) == answered)
        #expect(restarted.log.contains("archive closed"))
    }
}
