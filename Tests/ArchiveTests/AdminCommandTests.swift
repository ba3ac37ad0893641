import Archive
import Foundation
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StreamifyWire
import SyntheticWorld
import Testing

/// `streamify-admin`, the binary, on a warehouse the archiver filled: each job's figures and
/// exit code.
@Suite("streamify-admin: the scheduled jobs", .offCooperativePool)
struct AdminCommandTests {
    /// A warehouse holding `count` decisions (a minute apart from `DecisionLogTests.start`) and one label.
    static func warehouse(_ count: Int) throws -> (database: String, decisions: [ScoringService.Decision]) {
        let directory = try makeTestDirectory("admin")
        let database = directory.appendingPathComponent("warehouse.db").path
        let log = try DecisionLog(directory: database + ".log", fsyncPolicy: .never, backlogLimit: 1 << 30, logger: DecisionLogTests.logger())
        let service = ScoringService(engine: RiskEngine(), decisionLog: log)
        let decisions = try ArchiverTests.score(count, log: log, service: service)
        let archiver = try Archiver(databasePath: database, logDirectory: database + ".log")
        while try archiver.archiveAvailable() > 0 {}
        try log.close()
        return (database, decisions)
    }

    /// Runs `streamify-admin` with `arguments` and `--json`: its exit status and what it printed.
    static func admin(_ arguments: [String], database: String) throws -> (status: Int32, json: [String: Any]) {
        let run = try runProgram([builtProgramPath("streamify-admin")] + arguments + ["--archive", database, "--json"])
        let json = (try? JSONSerialization.jsonObject(with: Data(run.output.utf8))) as? [String: Any] ?? [:]
        return (run.status, json)
    }

    @Test("health, report, quality-check, monitor and retention answer from the archive with meaningful exit codes")
    func jobs() throws {
        let (database, decisions) = try Self.warehouse(2_000)
        let alerts = decisions.filter { $0.assessment.level >= .medium }.count

        let health = try Self.admin(["health"], database: database)
        #expect(health.status == 0, "\(health.json)")
        #expect(health.json["transactions"] as? Int == 2_000 && health.json["alerts"] as? Int == alerts)
        #expect(health.json["backlog_bytes"] as? Int == 0)

        // 2,000 minutes from 2026-11-02T14:00Z: the 2nd holds 600, the 3rd 1,400.
        let report = try Self.admin(["report", "--day", "2026-11-02"], database: database)
        #expect(report.status == 0)
        #expect(report.json["transactions"] as? Int == 600)
        let newestDay = try Self.admin(["report"], database: database)
        #expect(newestDay.json["day"] as? String == "2026-11-03" && newestDay.json["transactions"] as? Int == 1_400)

        let quality = try Self.admin(["quality-check"], database: database)
        #expect(quality.status == 0, "\(quality.json)")
        let stale = try Self.admin(["quality-check", "--max-age", "1h"], database: database)
        #expect(stale.status == 1, "an archive of 2026-11 events is not fresh now")

        let monitor = try Self.admin(["monitor", "--window", "15m"], database: database)
        #expect(monitor.status == 0)
        #expect(monitor.json["transactions"] as? Int == 15)
        let lastQuarter = decisions.suffix(15)
        #expect(monitor.json["critical_alerts"] as? Int == lastQuarter.filter { $0.assessment.level == .critical }.count)
        let averageScore = lastQuarter.map { Double($0.assessment.score) }.reduce(0, +) / 15
        #expect(abs((monitor.json["average_score"] as? Double ?? -1) - averageScore) < 1e-6)
        let alarmed = try Self.admin(["monitor", "--window", "1d", "--critical-threshold", "1"], database: database)
        let criticalInDay = decisions.suffix(1_440).filter { $0.assessment.level == .critical }.count
        #expect(alarmed.status == (criticalInDay >= 1 ? 1 : 0))

        let retention = try Self.admin(["retention", "--raw", "1d", "--alerts", "30d"], database: database)
        #expect(retention.status == 0)
        // Kept: the last day of event time before the newest event.
        #expect(retention.json["deleted_transactions"] as? Int == 2_000 - 1_441)
        #expect(retention.json["deleted_alerts"] as? Int == 0)
        #expect(try Self.admin(["health"], database: database).json["transactions"] as? Int == 1_441)
    }

    @Test("health fails while decision-log bytes were dropped within the loss window, a retry included, and not after it")
    func droppedBytesFailOneWindow() throws {
        let (database, _) = try Self.warehouse(50)
        let warehouse = try SQLiteDatabase(path: database)
        func drop(_ bytes: Int) throws {
            try warehouse.execute("UPDATE archive_cursor SET dropped_bytes = dropped_bytes + \(bytes)")
        }
        #expect(try Self.admin(["health"], database: database).status == 0)
        try drop(100)
        let lost = try Self.admin(["health"], database: database)
        #expect(lost.status == 1, "\(lost.json)")
        let dropped = try #require(lost.json["dropped_bytes"] as? Int)
        #expect(dropped >= 100 && lost.json["dropped_bytes_recently"] as? Int == dropped)
        #expect(try Self.admin(["health"], database: database).status == 1, "a retry a moment later hid the loss")

        // Through the jobs' API, at times of the test's choosing: an hour on, the same loss no longer fails.
        let jobs = try WarehouseJobs(path: database)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        func health(at ms: Int64) throws -> WarehouseJobs.Health {
            try jobs.health(logDirectory: nil, maximumBacklogBytes: .max, maximumSilenceMs: nil, lossWindowMs: 3_600_000, nowMs: ms)
        }
        #expect(try health(at: now + 1_000).problems.count == 1)
        let later = try health(at: now + 3_700_000)
        #expect(later.problems.isEmpty, "\(later.problems)")
        #expect(later.droppedBytes == dropped && later.droppedRecently == 0)
        try drop(10)
        let again = try health(at: now + 3_800_000)
        #expect(again.droppedRecently == again.droppedBytes - dropped && again.problems.count == 1)
        #expect(try health(at: now + 3_800_000 + 3_600_000).problems.isEmpty)
    }

    @Test("quality-check catches seeded defects: a resent transaction, a non-positive amount, a missing card id")
    func qualityCheckCatchesSeededDefects() throws {
        let (database, _) = try Self.warehouse(100)
        #expect(try Self.admin(["quality-check"], database: database).status == 0)
        let columns = "transaction_id, card_id, merchant_id, amount, amount_minor, currency, event_time, event_time_ms, channel, "
            + "risk_score, risk_level, model_version, amount_score, velocity_score, geographic_score, device_score, pattern_score, "
            + "factors, features, archived_at_ms"
        let seed = try runProgram([
            "/usr/bin/env", "python3", "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute(f"INSERT INTO raw_transactions ({sys.argv[2]}) SELECT {sys.argv[2]} FROM raw_transactions WHERE transaction_id = 'tx-5'")
            db.execute(f"INSERT INTO raw_transactions ({sys.argv[2]}) SELECT 'bad-amount', card_id, merchant_id, -1, -100, currency, event_time, event_time_ms, channel, risk_score, risk_level, model_version, amount_score, velocity_score, geographic_score, device_score, pattern_score, factors, features, archived_at_ms FROM raw_transactions WHERE transaction_id = 'tx-6'")
            db.execute(f"INSERT INTO raw_transactions ({sys.argv[2]}) SELECT 'no-card', '', merchant_id, amount, amount_minor, currency, event_time, event_time_ms, channel, risk_score, risk_level, model_version, amount_score, velocity_score, geographic_score, device_score, pattern_score, factors, features, archived_at_ms FROM raw_transactions WHERE transaction_id = 'tx-7'")
            db.commit()
            """,
            database, columns,
        ])
        #expect(seed.status == 0, "\(seed.errors)")
        let checked = try Self.admin(["quality-check"], database: database)
        #expect(checked.status == 1)
        let failures = (checked.json["checks"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
            $0[$1["name"] as? String ?? "?"] = $1["failures"] as? Int
        }
        #expect(failures == ["missing_ids": 1, "non_positive_amounts": 1, "duplicate_transactions": 1])
        // Windowed: the first check looks at every row, and so does its retry a moment later.
        #expect(try Self.admin(["quality-check", "--window", "1h"], database: database).status == 1)
        #expect(try Self.admin(["quality-check", "--window", "1h"], database: database).status == 1, "a retry hid the defects")

        // Through the jobs' API, at times of the test's choosing: a check more than a window
        // after those looks at the rows added since them, and the defects fail it no more; over
        // the whole archive they still do. A defect added later fails the next windowed check.
        let jobs = try WarehouseJobs(path: database)
        let later = Int64(Date().timeIntervalSince1970 * 1000) + 3 * 3_600_000
        let windowed = try jobs.qualityChecks(maximumAgeMs: nil, windowMs: 3_600_000, nowMs: later)
        #expect(windowed.allSatisfy { $0.failures == 0 }, "\(windowed)")
        #expect(try jobs.qualityChecks(maximumAgeMs: nil, nowMs: later).map(\.failures) == [1, 1, 1])
        try SQLiteDatabase(path: database).execute(
            "INSERT INTO raw_transactions (\(columns)) SELECT \(columns) FROM raw_transactions WHERE transaction_id = 'tx-8'")
        let next = try jobs.qualityChecks(maximumAgeMs: nil, windowMs: 3_600_000, nowMs: later + 60_000)
        #expect(next.map(\.failures) == [0, 0, 1], "\(next)")
        // Retention deleting the newest rows moves no bound back: the old defects stay behind it.
        try SQLiteDatabase(path: database).execute("DELETE FROM raw_transactions WHERE id = (SELECT MAX(id) FROM raw_transactions)")
        let afterRetention = try jobs.qualityChecks(maximumAgeMs: nil, windowMs: 3_600_000, nowMs: later + 2 * 3_600_000)
        #expect(afterRetention.allSatisfy { $0.failures == 0 }, "\(afterRetention)")
    }

    @Test("training-set writes the archive's transactions with their labels, and loadgen train fits a model on them")
    func retrainFromTheArchive() throws {
        let directory = try makeTestDirectory("retrain")
        let database = directory.appendingPathComponent("warehouse.db").path
        let log = try DecisionLog(directory: database + ".log", fsyncPolicy: .never, backlogLimit: 1 << 30, logger: DecisionLogTests.logger())
        let service = ScoringService(engine: RiskEngine(), decisionLog: log)
        // A labelled world whose chargebacks come a minute of event time later.
        var stream = TransactionStream(
            configuration: WorldConfiguration(seed: 7, cardCount: 2_000, merchantCount: 500, fraudRate: 0.02, feedbackDelayMs: 60_000))
        let arena = MessageArena()
        var counters = ScoringCounters()
        var scored = 0
        var fraudLabels = Set<String>()
        while scored < 10_000 {
            arena.reset()
            switch stream.next() {
            case .transaction(let labelled):
                _ = try service.score(labelled.transaction.protobufC(in: arena), counters: &counters).get()
                scored += 1
            case .feedback(let feedback, _):
                _ = try service.record(feedback.protobufC(in: arena), counters: &counters).get()
                if feedback.label == .fraud { fraudLabels.insert(feedback.transactionID) }
            }
        }
        service.commitJournal()
        let archiver = try Archiver(databasePath: database, logDirectory: database + ".log")
        while try archiver.archiveAvailable() > 0 {}
        try log.close()
        #expect(!fraudLabels.isEmpty)

        let history = directory.appendingPathComponent("history.jsonl").path
        let exported = try Self.admin(["training-set", "--output", history], database: database)
        #expect(exported.status == 0)
        #expect(exported.json["rows"] as? Int == 10_000 && exported.json["frauds"] as? Int == fraudLabels.count)

        let model = directory.appendingPathComponent("model.json").path
        let columns = "card=card_id,merchant=merchant_id,amount=amount,time=event_time,label=is_fraud,transaction=transaction_id,"
            + "latitude=latitude,longitude=longitude,country=country,device=device_id,ip=ip_address,category=category,"
            + "method=payment_method,currency=currency"
        let train = try runProgram([builtProgramPath("loadgen"), "train", "--input", history, "--columns", columns, "--chargeback-delay", "30m", "--outcome-maturity", "2h", "--output", model])
        #expect(train.status == 0, "\(train.errors)")
        let trained = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any]
        #expect(trained?["version"] as? String != nil, "a model file with a version")
    }

    @Test("no archive at the path, or a bad duration: exit 2 and 64 with a clear message")
    func refusals() throws {
        let missing = try runProgram([builtProgramPath("streamify-admin"), "health", "--archive", "/nonexistent/warehouse.db"])
        #expect(missing.status == 2)
        #expect(missing.errors.contains("no archive at /nonexistent/warehouse.db"))
        let (database, _) = try Self.warehouse(10)
        let badWindow = try runProgram([builtProgramPath("streamify-admin"), "monitor", "--window", "soon", "--archive", database])
        #expect(badWindow.status == 64)
        #expect(badWindow.errors.contains("--window must be a duration"))
        // Durations past any archive's age are refused, not turned into a trap.
        for arguments in [["monitor", "--window", "1e12d"], ["monitor", "--window", "800000d"], ["retention", "--raw", "1e17s"]] {
            let huge = try runProgram([builtProgramPath("streamify-admin")] + arguments + ["--archive", database])
            #expect(huge.status == 64, "\(arguments): \(huge.errors)")
            #expect(huge.errors.contains("at most 36500d"), "\(arguments): \(huge.errors)")
        }
    }

    @Test("export writes hourly partitions of gzipped JSON Lines that DuckDB reads back whole; a second run adds only what is new")
    func lakeExport() throws {
        let (database, decisions) = try Self.warehouse(300)
        let lake = try makeTestDirectory("lake").path
        let first = try Self.admin(["export", "--lake", lake], database: database)
        #expect(first.status == 0, "\(first.json)")
        #expect((first.json["raw_transactions"] as? [String: Any])?["rows"] as? Int == 300)
        // 300 minutes from 14:00: hours 14 to 18, five partitions.
        #expect((first.json["raw_transactions"] as? [String: Any])?["files"] as? Int == 5)
        let again = try Self.admin(["export", "--lake", lake], database: database)
        #expect((again.json["raw_transactions"] as? [String: Any])?["rows"] as? Int == 0)

        let script = """
            import duckdb, json, sys
            db = duckdb.connect()
            rows = db.execute(f"SELECT COUNT(*), COUNT(DISTINCT transaction_id), SUM(amount_minor), MIN(hour), MAX(hour), MIN(day), \\
                COUNT(DISTINCT len(factors)), MAX(risk_score) FROM read_json_auto('{sys.argv[1]}/raw_transactions/**/*.jsonl.gz', \\
                hive_partitioning = true)").fetchone()
            alerts = db.execute(f"SELECT COUNT(*) FROM read_json_auto('{sys.argv[1]}/fraud_alerts/**/*.jsonl.gz')").fetchone()[0]
            print(json.dumps([int(rows[0]), int(rows[1]), int(rows[2]), int(rows[3]), int(rows[4]), int(rows[5]), int(rows[6]), float(rows[7]), int(alerts)]))
            """
        let read = try runProgram(["/usr/bin/env", "python3", "-c", script, lake])
        #expect(read.status == 0, "\(read.errors)")
        let values = try JSONSerialization.jsonObject(with: Data(read.output.utf8)) as? [Double] ?? []
        let amounts = (0..<300).reduce(0) { $0 + ($1 % 10 == 0 ? 2_500_000 : 1_000 + $1 * 250) }
        let alerts = decisions.filter { $0.assessment.level >= .medium }.count
        let highest = Double(decisions.map(\.assessment.score).max() ?? 0)
        #expect(values.count == 9)
        guard values.count == 9 else { return }
        #expect(Array(values[0..<7]) == [300, 300, Double(amounts), 14, 18, 2, 1], "count, distinct, sum, hours, day, factor arrays of one length")
        #expect(abs(values[7] - highest) < 1e-6)
        #expect(Int(values[8]) == alerts)
    }
}

/// The example schedules in `deploy/`: every command they run works against a real archive.
@Suite("deploy/: the example schedules run real commands", .offCooperativePool)
struct DeployExampleTests {
    @Test("every task of the Airflow DAGs runs streamify-admin to a meaningful exit (0 or 1, never 2 or 64)")
    func airflowCommands() throws {
        let (database, _) = try AdminCommandTests.warehouse(200)
        let lake = try makeTestDirectory("dag-lake").path
        let root = FileManager.default.currentDirectoryPath
        let environment = [
            "STREAMIFY_ADMIN": builtProgramPath("streamify-admin"), "STREAMIFY_ARCHIVE": database, "STREAMIFY_LAKE": lake,
            "AIRFLOW_HOME": try makeTestDirectory("airflow-home").path,
        ]
        // scripts/test.sh installs Airflow in a venv of its own and names its Python here.
        let python = ProcessInfo.processInfo.environment["STREAMIFY_AIRFLOW_PYTHON"].map { [$0] } ?? ["/usr/bin/env", "python3"]
        let listed = try runProgram(
            python + [root + "/Tests/Deploy/dag_commands.py", root + "/deploy/airflow/streamify_dags.py"], environment: environment)
        #expect(listed.status == 0, "\(listed.errors)")
        let object = try JSONSerialization.jsonObject(with: Data((listed.output.split(separator: "\n").last ?? "").utf8))
        let tasks = (object as? [String: Any])?["tasks"] as? [String: String] ?? [:]
        if ProcessInfo.processInfo.environment["STREAMIFY_AIRFLOW_PYTHON"] != nil {
            #expect((object as? [String: Any])?["loader"] as? String == "airflow", "loaded by Airflow's own DagBag")
        }
        #expect(Set(tasks.keys) == [
            "streamify_hourly.health_check", "streamify_hourly.lake_export", "streamify_hourly.data_quality",
            "streamify_hourly.report", "streamify_hourly.retention", "streamify_fraud_monitoring.fraud_monitor",
        ])
        for (task, command) in tasks.sorted(by: { $0.key < $1.key }) {
            let run = try runProgram(["/bin/sh", "-c", command])
            #expect([0, 1].contains(run.status), "\(task): \(command) exited \(run.status): \(run.errors)")
            #expect((try? JSONSerialization.jsonObject(with: Data(run.output.utf8))) != nil, "\(task) printed no JSON")
        }
    }
}
