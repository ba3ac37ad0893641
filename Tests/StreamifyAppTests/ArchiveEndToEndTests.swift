import Archive
import Foundation
import ScoringClient
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StateStore
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

    @Test("a warehouse named by another spelling of its path archives nothing twice; cursor rows saved under another spelling are kept once")
    func pathSpellingsShareOneCursor() async throws {
        let directory = try makeTestDirectory("archive-spelling")
        let plain = directory.appendingPathComponent("warehouse.db").path
        let dotted = directory.path + "/./warehouse.db"
        _ = try await Self.scoreAndStop(120, from: 0, database: dotted)
        // As a build before canonical paths saved it: the cursor keyed by the path as typed.
        let canonicalLog = DurableFile.canonicalPath(plain + ".log")
        try SQLiteDatabase(path: plain).execute(
            "UPDATE archive_cursor SET log_directory = replace(log_directory, '\(canonicalLog)', '\(dotted).log')")
        #expect(try Self.count("archive_cursor", in: plain, where: "log_directory LIKE '%/./%'") > 0)

        _ = try await Self.scoreAndStop(80, from: 120, database: plain)
        #expect(try Self.count("raw_transactions", in: plain) == 200)
        #expect(try Self.count("raw_transactions", in: plain, where: "transaction_id = 'tx-10'") == 1)
        #expect(try Self.count("archive_cursor", in: plain, where: "log_directory LIKE '%/./%'") == 0)
        #expect(sqliteValue(plain, "SELECT SUM(decisions) FROM archive_cursor") == "200")
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func waitUntil(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    @Test("a record of the decision log that will never read moves its lane to a new segment; what follows is archived", .timeLimit(.minutes(2)))
    func corruptLogRecordIsSkipped() async throws {
        let server = try await ArchivingServer.start(in: "archive-stuck")
        let database = server.archive.databasePath

        // A record header no record has (a length over the most a record holds) at the end of
        // every lane's newest segment, as a disk fault could leave it; one lane is an earlier
        // run's, which no writer of this one owns.
        let written = try JournalLanes.directories(in: server.archive.logDirectory).dropFirst()
        let leftover = JournalLanes.directory(of: written.count + 3, in: server.archive.logDirectory)
        try Journal.makeDirectory(leftover)
        try Journal(directory: leftover, segment: 7, layout: DecisionRecord.layout, fsyncPolicy: .never).close()
        let lanes = Array(written) + [leftover]
        var newest: [String: UInt64] = [:]
        for lane in lanes {
            let segment = try #require(try Journal.segments(in: lane).last)
            newest[lane] = segment
            let handle = try #require(FileHandle(forWritingAtPath: Journal.segmentPath(segment, in: lane)))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(repeating: 0xFF, count: 9))
            try handle.close()
        }
        #expect(
            try await Self.waitUntil(seconds: 30) {
                try lanes.allSatisfy { lane in try Journal.segments(in: lane).contains { $0 > newest[lane]! } }
            }, "each lane went on in a new segment")
        try await server.score(20..<50)
        #expect(try await Self.waitUntil(seconds: 30) { try Self.count("raw_transactions", in: database) == 50 })
        #expect((sqliteValue(database, "SELECT SUM(dropped_bytes) FROM archive_cursor").flatMap(Int.init) ?? 0) >= 9 * lanes.count)
        try await server.stop()
    }

    @Test("the warehouse locked by another writer past SQLite's busy timeout costs a retry, not the daemon; it catches up after", .timeLimit(.minutes(2)))
    func lockedWarehouseIsRetried() async throws {
        let server = try await ArchivingServer.start(in: "archive-locked")
        let database = server.archive.databasePath

        // Another writer holds the database for 7 s: longer than the archive's 5 s busy timeout.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE');"
                + " print('locked', flush=True); time.sleep(7); c.execute('ROLLBACK')",
            database,
        ]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        let locked = try await blocking { output.fileHandleForReading.availableData }
        #expect(String(decoding: locked, as: UTF8.self).hasPrefix("locked"))
        try await server.score(20..<60)
        while holder.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try await server.score(60..<80)
        #expect(try await Self.waitUntil(seconds: 30) { try Self.count("raw_transactions", in: database) == 80 })
        try await server.stop()
        #expect(try Self.count("raw_transactions", in: database) == 80)
    }
}

/// A server archiving to a warehouse of its own, at normal priority (so the archive does not
/// wait on whatever else a busy test host runs), and a client on its Unix socket.
struct ArchivingServer {
    let archive: ArchiveConfiguration
    let running: RunningApplication
    let client: ScoringClient

    /// Starts one in a new test directory named after `name`, scores transactions 0..<20 and
    /// waits until the warehouse holds them.
    static func start(in name: String) async throws -> ArchivingServer {
        let directory = try makeTestDirectory(name)
        var archive = ArchiveConfiguration(databasePath: directory.appendingPathComponent("warehouse.db").path)
        archive.priority = .normal
        let running = try await RunningApplication.start { [archive] in $0.archive = archive }
        let client = try await ScoringClient.connect(to: .unix(path: try #require(running.addresses.unixSocketPath)))
        let server = ArchivingServer(archive: archive, running: running, client: client)
        try await server.score(0..<20)
        #expect(
            try await ArchiveEndToEndTests.waitUntil(seconds: 30) {
                try ArchiveEndToEndTests.count("raw_transactions", in: archive.databasePath) == 20
            })
        return server
    }

    /// Scores the transactions numbered `range`, one at a time.
    func score(_ range: Range<Int>) async throws {
        for index in range { _ = try await client.score(CompositionRootTests.transaction(index, card: "card-\(index % 9)")) }
    }

    /// Closes the client and stops the server gracefully.
    func stop() async throws {
        try await client.close()
        try await running.stop()
    }
}
