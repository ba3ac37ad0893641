@testable import Archive
import Foundation
import Logging
@testable import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StateStore
import StreamifyWire
import Synchronization
import Testing

/// The archiver: the decision log into the seed's warehouse tables, checked by an independent
/// reader (Python's sqlite3), resuming exactly where it left off.
@Suite("Archiver: the decision log into the SQLite warehouse")
struct ArchiverTests {
    /// What Python's sqlite3 module reads from `database`: each query's rows, as JSON.
    static func query(_ database: String, _ queries: [String: String]) throws -> [String: [[Any]]] {
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            queries = json.loads(sys.argv[2])
            print(json.dumps({name: [list(row) for row in db.execute(sql)] for name, sql in queries.items()}))
            """
        let arguments = String(decoding: try JSONSerialization.data(withJSONObject: queries), as: UTF8.self)
        let run = try runProgram(["/usr/bin/env", "python3", "-c", script, database, arguments])
        #expect(run.status == 0, "\(run.errors)")
        let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: [[Any]]]
        return try #require(object)
    }

    /// Scores `count` transactions from `first` through a service logging to `log`; the decisions.
    static func score(_ count: Int, from first: Int = 0, log: DecisionLog, service: ScoringService) throws -> [ScoringService.Decision] {
        let arena = MessageArena()
        var counters = ScoringCounters()
        var decisions: [ScoringService.Decision] = []
        for index in first..<first + count {
            arena.reset()
            var transaction = DecisionLogTests.transaction(index)
            // Every tenth a large amount at night on a new device: some decisions reach the alert levels.
            if index % 10 == 0 { transaction.amountMinor = 2_500_000; transaction.deviceID = "new-\(index)" }
            decisions.append(try service.score(transaction.protobufC(in: arena), counters: &counters).get())
        }
        service.commitJournal()
        return decisions
    }

    @Test("decisions, alerts, labels and analytics windows reach their tables; views and indexes exist; a reopened archiver resumes")
    func archivesAndResumes() throws {
        let directory = try makeTestDirectory("archiver")
        let database = directory.appendingPathComponent("warehouse.db").path
        let logDirectory = database + ".log"
        let log = try DecisionLog(directory: logDirectory, fsyncPolicy: .never, backlogLimit: 1 << 30, logger: DecisionLogTests.logger())
        let service = ScoringService(engine: RiskEngine(), decisionLog: log)
        var decisions = try Self.score(300, log: log, service: service)
        let arena = MessageArena()
        var counters = ScoringCounters()
        for index in [3, 10] {
            arena.reset()
            let feedback = Feedback(
                transactionID: "tx-\(index)", cardID: "card-\(index % 7)", label: index == 10 ? .fraud : .legitimate,
                eventTimeMs: DecisionLogTests.start + Int64(index) * 60_000, reportedTimeMs: DecisionLogTests.start + 200 * 60_000)
            _ = try service.record(feedback.protobufC(in: arena), counters: &counters).get()
        }
        service.commitJournal()

        var archiver: Archiver? = try Archiver(databasePath: database, logDirectory: logDirectory)
        while try archiver!.archiveAvailable(maximumRecords: 64) > 0 {}
        #expect(archiver!.cursor.decisions == 300 && archiver!.cursor.labels == 2)
        archiver = nil

        let alerts = decisions.filter { $0.assessment.level >= .medium }.count
        #expect(alerts > 0, "the fixture should raise some alerts")
        var found = try Self.query(
            database,
            [
                "transactions": "SELECT COUNT(*), COUNT(DISTINCT transaction_id), SUM(amount_minor) FROM raw_transactions",
                "alerts": "SELECT COUNT(*), MIN(risk_score) FROM fraud_alerts",
                "labels": "SELECT transaction_id, label, disposition FROM labels ORDER BY id",
                "windows": "SELECT SUM(transaction_count), SUM(alert_count) FROM analytics_results",
                "views": "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name",
                "indexes": "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
                "one": "SELECT currency, category, risk_level, factors, amount_score, features FROM raw_transactions WHERE transaction_id = 'tx-1'",
                "daily": "SELECT SUM(transactions) FROM daily_sales_summary",
                "categories": "SELECT category, transactions FROM product_performance",
                "fraud": "SELECT SUM(alerts), COUNT(DISTINCT risk_level) FROM fraud_analysis",
                // Windows are summed per batch (64 decisions here): each must still match its rows.
                "windowMismatches": """
                    SELECT COUNT(*) FROM analytics_results a JOIN (
                        SELECT event_time_ms - event_time_ms % 60000 AS start, COALESCE(category, 'unknown') AS category,
                            COUNT(*) AS n, SUM(amount) AS revenue, SUM(risk_score) AS scores, MAX(risk_score) AS top
                        FROM raw_transactions GROUP BY 1, 2
                    ) r ON r.start = a.window_start_ms AND r.category = a.category
                    WHERE a.transaction_count != r.n OR ABS(a.total_revenue - r.revenue) > 1e-6
                        OR ABS(a.score_sum - r.scores) > 1e-6 OR a.max_score != r.top OR a.window_end_ms != a.window_start_ms + 60000
                    """,
                "windowRows": "SELECT COUNT(*) FROM analytics_results",
                "windowGroups": "SELECT COUNT(DISTINCT (event_time_ms - event_time_ms % 60000) || COALESCE(category, 'unknown')) FROM raw_transactions",
            ])
        let amounts = (0..<300).reduce(0) { $0 + (Int($1) % 10 == 0 ? 2_500_000 : 1_000 + $1 * 250) }
        #expect(found["transactions"]?.first?.compactMap { $0 as? Int } == [300, 300, amounts])
        #expect(found["alerts"]?.first?.first as? Int == alerts)
        #expect(found["labels"]?.map { $0.compactMap { $0 as? String } } == [["tx-3", "legitimate", "applied"], ["tx-10", "fraud", "applied"]])
        #expect(found["windows"]?.first?.compactMap { $0 as? Int } == [300, alerts])
        #expect(found["windowMismatches"]?.first?.first as? Int == 0)
        #expect(found["windowRows"]?.first?.first as? Int == found["windowGroups"]?.first?.first as? Int)
        #expect((found["windowRows"]?.first?.first as? Int ?? 0) > 1, "the fixture should span several windows")
        #expect(found["views"]?.compactMap { $0.first as? String } == ["daily_sales_summary", "fraud_analysis", "product_performance"])
        #expect((found["indexes"]?.first?.first as? Int ?? 0) >= 8)
        let one = try #require(found["one"]?.first)
        #expect(one[0] as? String == "EUR" && one[1] as? String == "Electronics")
        #expect(one[2] as? String == decisions[1].assessment.level.name)
        let factors = try JSONSerialization.jsonObject(with: Data((one[3] as? String ?? "").utf8)) as? [[String: Any]]
        #expect(factors?.map { $0["factor"] as? String } == RiskFactor.allCases.map(\.name))
        #expect((one[4] as? Double).map { Float($0) } == decisions[1].assessment[.amount].score)
        let features = try JSONSerialization.jsonObject(with: Data((one[5] as? String ?? "").utf8)) as? [String: Double] ?? [:]
        #expect(features["category_electronics"] == 1 && features["method_credit_card"] == 1 && features["channel_online"] == 1)
        #expect(found["daily"]?.first?.first as? Int == 300)
        #expect(found["categories"]?.map { $0.first as? String } == ["Electronics"])
        let levels = Set(decisions.map(\.assessment.level).filter { $0 >= .medium }).count
        #expect(found["fraud"]?.first?.compactMap { $0 as? Int } == [alerts, levels])

        // Reopened: nothing twice; then exactly what was added.
        archiver = try Archiver(databasePath: database, logDirectory: logDirectory)
        #expect(try archiver!.archiveAvailable() == 0)
        decisions += try Self.score(50, from: 300, log: log, service: service)
        while try archiver!.archiveAvailable(maximumRecords: 64) > 0 {}
        found = try Self.query(database, ["count": "SELECT COUNT(*), COUNT(DISTINCT transaction_id) FROM raw_transactions"])
        #expect(found["count"]?.first?.compactMap { $0 as? Int } == [350, 350])
        try log.close()
    }

    @Test("a new warehouse gets large pages; an existing one keeps the pages it was made with")
    func pageSize() throws {
        let directory = try makeTestDirectory("archiver-pages")
        let fresh = directory.appendingPathComponent("fresh.db").path
        _ = try SQLiteDatabase(path: fresh)
        #expect(try Self.query(fresh, ["page": "PRAGMA page_size"])["page"]?.first?.first as? Int == SQLiteDatabase.pageBytes)
        let old = directory.appendingPathComponent("old.db").path
        let oldPage = 4096
        let made = try runProgram(["/usr/bin/env", "python3", "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('PRAGMA page_size = \(oldPage)'); db.execute('CREATE TABLE t (x)'); db.commit()", old])
        #expect(made.status == 0, "\(made.errors)")
        _ = try SQLiteDatabase(path: old)
        #expect(try Self.query(old, ["page": "PRAGMA page_size"])["page"]?.first?.first as? Int == oldPage)
    }

    @Test("a write-ahead log grown behind a long reader shrinks back to the checkpoint size once the reader is done")
    func walShrinksAfterALongReader() throws {
        let directory = try makeTestDirectory("archiver-wal")
        let path = directory.appendingPathComponent("warehouse.db").path
        let writer = try SQLiteDatabase(path: path)
        try writer.execute("CREATE TABLE t (x BLOB)")
        // An analyst's open read transaction: no checkpoint may pass the snapshot it reads.
        let reader = try SQLiteDatabase(path: path, readOnly: true)
        try reader.execute("BEGIN; SELECT COUNT(*) FROM t;")
        let megabytes = SQLiteDatabase.checkpointBytes / (1 << 20) * 3 / 2
        for _ in 0..<megabytes { try writer.execute("INSERT INTO t VALUES (randomblob(\(1 << 20)))") }
        #expect(writer.walBytes > SQLiteDatabase.checkpointBytes, "the log grew past a checkpoint's size behind the reader")
        try reader.execute("COMMIT")
        // The next commits checkpoint everything, then start the log over, cut to the limit.
        try writer.execute("DELETE FROM t")
        try writer.execute("INSERT INTO t VALUES (1)")
        try writer.execute("INSERT INTO t VALUES (2)")
        #expect(writer.walBytes <= SQLiteDatabase.checkpointBytes, "\(writer.walBytes) bytes")
    }

    @Test("a warehouse an earlier build made, without a factor's score column or the features column, gets them and archives on")
    func earlierWarehouseGetsNewColumns() throws {
        let directory = try makeTestDirectory("archiver-columns")
        let database = directory.appendingPathComponent("warehouse.db").path
        let logDirectory = database + ".log"
        let dropped = WarehouseSchema.scoreColumn(.pattern)
        do {
            _ = try Archiver(databasePath: database, logDirectory: logDirectory)
            let old = try SQLiteDatabase(path: database)
            for statement in [
                "ALTER TABLE raw_transactions DROP COLUMN features", "ALTER TABLE raw_transactions DROP COLUMN \(dropped)",
                "ALTER TABLE fraud_alerts DROP COLUMN \(dropped)",
            ] { try old.execute(statement) }
        }
        let log = try DecisionLog(directory: logDirectory, fsyncPolicy: .never, backlogLimit: 1 << 30, logger: DecisionLogTests.logger())
        let service = ScoringService(engine: RiskEngine(), decisionLog: log)
        _ = try Self.score(40, log: log, service: service)
        let archiver = try Archiver(databasePath: database, logDirectory: logDirectory)
        #expect(try archiver.archiveAvailable() == 40)
        let found = try Self.query(database, [
            "rows": "SELECT COUNT(*), COUNT(features), COUNT(\(dropped)) FROM raw_transactions",
            "alerts": "SELECT COUNT(*) = COUNT(\(dropped)) FROM fraud_alerts",
        ])
        #expect(found["rows"]?.first?.compactMap { $0 as? Int } == [40, 40, 40])
        #expect(found["alerts"]?.first?.first as? Int == 1)
        try log.close()
    }

    @Test("a warehouse of a newer schema is refused with a clear error")
    func newerSchemaRefused() throws {
        let directory = try makeTestDirectory("archiver-schema")
        let database = directory.appendingPathComponent("warehouse.db").path
        try SQLiteDatabase(path: database).execute("PRAGMA user_version = \(WarehouseSchema.version + 1)")
        #expect {
            _ = try Archiver(databasePath: database, logDirectory: database + ".log")
        } throws: { error in
            "\(error)".contains("this build knows up to \(WarehouseSchema.version)")
        }
    }

    @Test("a log in lanes is archived whole: records of each thread in its lane, committed from another thread; a cursor row a lane; a log from before lanes read too")
    func lanes() throws {
        let directory = try makeTestDirectory("archiver-lanes")
        let database = directory.appendingPathComponent("warehouse.db").path
        let logDirectory = database + ".log"
        // A log from before lanes keeps its segments in the log directory itself.
        let before = directory.appendingPathComponent("before").path
        let old = try DecisionLog(directory: before, fsyncPolicy: .never, backlogLimit: 1 << 30, logger: DecisionLogTests.logger())
        _ = try Self.score(20, log: old, service: ScoringService(engine: RiskEngine(), decisionLog: old))
        try old.close()
        try FileManager.default.moveItem(atPath: old.lanes[0].directory, toPath: logDirectory)

        let lanes = 3
        let log = try DecisionLog(directory: logDirectory, lanes: lanes, fsyncPolicy: .never, backlogLimit: 1 << 30, logger: DecisionLogTests.logger())
        let service = ScoringService(engine: RiskEngine(), decisionLog: log)
        // Four threads score 50 each without committing; each says which lane it had.
        let threads = 4
        let done = DispatchSemaphore(value: 0)
        let laneOf = Mutex<[Int: Int]>([:])
        for thread in 0..<threads {
            Thread {
                laneOf.withLock { $0[thread] = ThreadLane.current % lanes }
                DecisionLogTests.score(20 + thread * 50..<20 + thread * 50 + 50, with: service)
                done.signal()
            }.start()
        }
        for _ in 0..<threads { done.wait() }
        // Scored on other threads: every lane is committed from here.
        log.commitEveryLane()
        let assigned = laneOf.withLock { $0 }
        for lane in 0..<lanes {
            let ids = try DecisionLogTests.records(in: log.lanes[lane].directory).map { record in
                try record.1.withUnsafeBytes { try DecisionRecord.decision(from: $0).transactionID }
            }
            let expected = (0..<threads).filter { assigned[$0] == lane }.flatMap { thread in (0..<50).map { "tx-\(20 + thread * 50 + $0)" } }
            #expect(Set(ids) == Set(expected) && ids.count == expected.count, "lane \(lane)")
        }

        let archiver = try Archiver(databasePath: database, logDirectory: logDirectory)
        while try archiver.archiveAvailable(maximumRecords: 64) > 0 {}
        #expect(archiver.cursor.decisions == 220 && archiver.cursor.labels == 0)
        #expect(try archiver.backlog() == 0)
        let found = try Self.query(
            database,
            [
                "transactions": "SELECT COUNT(*), COUNT(DISTINCT transaction_id) FROM raw_transactions",
                "cursors": "SELECT COUNT(*), SUM(decisions) FROM archive_cursor",
            ])
        #expect(found["transactions"]?.first?.compactMap { $0 as? Int } == [220, 220])
        let lanesWritten = Set(assigned.values).count
        #expect(found["cursors"]?.first?.compactMap { $0 as? Int } == [lanesWritten + 1, 220])

        // Each lane moves to a new segment; once read into it, the segments before are removed.
        try log.rotate(beyond: 0)
        _ = try Self.score(5, from: 500, log: log, service: service)
        while try archiver.archiveAvailable(maximumRecords: 64) > 0 {}
        #expect(archiver.cursor.decisions == 225)
        for lane in log.lanes { #expect(try Journal.segments(in: lane.directory) == [1]) }
        // The log from before lanes, read to its end, is gone: nothing will write it again.
        #expect(try Journal.segments(in: logDirectory).isEmpty)
        #expect(try archiver.backlog() == 0)
        try log.close()
    }

    @Test("while the archive is too far behind, decisions are shed and counted, and logged again once it catches up")
    func backlogSheds() throws {
        let directory = try makeTestDirectory("archiver-shed").path
        let log = try DecisionLog(directory: directory, fsyncPolicy: .never, backlogLimit: 10_000, logger: DecisionLogTests.logger())
        let service = ScoringService(engine: RiskEngine(), decisionLog: log)
        _ = try Self.score(10, log: log, service: service)
        log.archiveBacklog(10_000)
        #expect(log.isShedding)
        _ = try Self.score(5, from: 10, log: log, service: service)
        #expect(log.shedCount == 5)
        log.archiveBacklog(5_001)
        #expect(log.isShedding, "resumes only under half the limit")
        log.archiveBacklog(4_999)
        #expect(!log.isShedding)
        _ = try Self.score(5, from: 15, log: log, service: service)
        #expect(try DecisionLogTests.records(in: directory).count == 15)
        try log.close()
    }

    @Test("event times print as ISO 8601 UTC to the millisecond, and reasons with quotes or control characters stay valid JSON")
    func textFormats() throws {
        #expect(Archiver.isoTime(1_793_628_000_000) == "2026-11-02T14:00:00.000Z")
        #expect(Archiver.isoTime(951_782_400_007) == "2000-02-29T00:00:00.007Z")
        #expect(Archiver.isoTime(4_102_444_799_999) == "2099-12-31T23:59:59.999Z")
        // Far outside: the nearest time four digits of year can write, never a trap.
        #expect(Archiver.isoTime(-69_119_999_999_000) == "1970-01-01T00:00:00.000Z")
        #expect(Archiver.isoTime(.min) == "1970-01-01T00:00:00.000Z")
        #expect(Archiver.isoTime(.max) == "9999-12-31T23:59:59.999Z")
        // A REAL a backfill left where an integer belongs reads as one only if it is one.
        #expect(SQLiteValue.real(1e19).integer == nil && SQLiteValue.real(-.infinity).integer == nil)
        #expect(SQLiteValue.real(.nan).integer == nil && SQLiteValue.real(42.9).integer == 42)
        let awkward = "say \"hi\"\\ then\nnext\ttab \u{1} é"
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(JSONText.quoted(awkward))]".utf8)) as? [String]
        #expect(parsed == [awkward])
        // The archive's row buffers escape the same way, text given or rendered.
        var buffer = JSONBuffer(capacity: 16)
        buffer.append("[")
        buffer.appendQuoted(awkward)
        buffer.append(",")
        buffer.appendQuoted { $0.append("rendered \"quoted\"\n") }
        buffer.append(",")
        buffer.append(Float(0.25))
        buffer.append(",")
        buffer.append(Float.nan)
        buffer.append("]")
        let values = try JSONSerialization.jsonObject(with: Data(buffer.bytes)) as? [Any]
        #expect(values?.count == 4)
        #expect(values?.first as? String == awkward && values?[1] as? String == "rendered \"quoted\"\n")
        #expect(values?[2] as? Double == 0.25 && values?[3] is NSNull)
    }
}
