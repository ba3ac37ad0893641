import Archive
import Foundation
import ScoringClient
import ScoringModel
import ScoringTestSupport
import StreamifyApp
import StreamifyWire
import Testing

/// `--archive` through the whole server: what the socket door answered is what the warehouse
/// holds after a graceful stop, and a restart on the same archive adds to it, never twice.
@Suite("Archive through the whole server")
struct ArchiveEndToEndTests {
    /// Rows in `table` of the warehouse, counted by Python's sqlite3 (an independent reader); -1 on failure.
    static func count(_ table: String, in database: String, where condition: String = "1") throws -> Int {
        sqliteValue(database, "SELECT COUNT(*) FROM \(table) WHERE \(condition)").flatMap(Int.init) ?? -1
    }

    /// Starts the server archiving to `database`, scores `count` transactions from `first` over
    /// the Unix socket, labels one, stops gracefully; the levels answered.
    static func scoreAndStop(_ count: Int, from first: Int, database: String) async throws -> [AlertLevel] {
        var archive = ArchiveConfiguration(databasePath: database)
        // At normal priority the archive does not wait on whatever else a busy test host runs.
        archive.priority = .normal
        let running = try await RunningApplication.start { $0.archive = archive }
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        var levels: [AlertLevel] = []
        for index in first..<first + count {
            var transaction = CompositionRootTests.transaction(index, card: "card-\(index % 9)")
            if index % 8 == 0 { transaction.amountMinor = 3_000_000 }
            levels.append(try await client.score(transaction).level)
        }
        try await client.send(
            Feedback(
                transactionID: "tx-\(first)", cardID: "card-\(first % 9)", label: .fraud,
                eventTimeMs: CompositionRootTests.start + Int64(first) * 60_000,
                reportedTimeMs: CompositionRootTests.start + Int64(first + count) * 60_000))
        try await client.close()
        try await running.stop()
        return levels
    }

    @Test("every answered decision is archived by a graceful stop, alerts by level, labels too; a restart resumes")
    func archivedThroughTheServer() async throws {
        let directory = try makeTestDirectory("archive-e2e")
        let database = directory.appendingPathComponent("warehouse.db").path
        var levels = try await Self.scoreAndStop(120, from: 0, database: database)
        #expect(try Self.count("raw_transactions", in: database) == 120)
        #expect(try Self.count("fraud_alerts", in: database) == levels.filter { $0 >= .medium }.count)
        #expect(try Self.count("labels", in: database) == 1)

        levels += try await Self.scoreAndStop(80, from: 120, database: database)
        #expect(try Self.count("raw_transactions", in: database) == 200)
        #expect(try Self.count("raw_transactions", in: database, where: "transaction_id = 'tx-150'") == 1)
        #expect(try Self.count("fraud_alerts", in: database) == levels.filter { $0 >= .medium }.count)
        #expect(try Self.count("labels", in: database) == 2)
        // A cursor row per lane of the log; together they count everything archived.
        #expect(sqliteValue(database, "SELECT SUM(decisions) || ' ' || SUM(labels) FROM archive_cursor") == "200 2")
    }
}
