import Foundation
import ScoringEngine
import ScoringModel
import StateStore
import StreamifyWire

/// Copies the decision log into the warehouse: each decision into `raw_transactions` (and
/// `fraud_alerts` at or above the alert level) and its minute of `analytics_results`, each label
/// into `labels`.
///
/// The log is read lane by lane (`JournalLanes`), each lane from its own position. Every
/// batch goes in one SQLite transaction together with the position it reaches in each lane
/// (`archive_cursor`, a row a lane), so a crash anywhere leaves the warehouse at a batch
/// boundary and the next start goes on from exactly there: nothing twice, nothing skipped.
/// Segments read to the end are removed. Not thread-safe: one thread archives.
public final class Archiver {
    /// Where the archive is in one lane of the log, and what it has archived from it.
    public struct LaneCursor: Sendable, Equatable {
        /// The next record to read.
        public var position = JournalTail.Position.start
        /// Decisions and labels archived.
        public var decisions = 0
        public var labels = 0
        /// Log bytes skipped: torn tails and records that would not read.
        public var droppedBytes = 0
    }

    /// Where the archive is in each lane of the log (by the lane's directory), and what it has done.
    public struct Cursor: Sendable, Equatable, CustomStringConvertible {
        /// Each lane read so far.
        public var lanes: [String: LaneCursor] = [:]

        /// Decisions archived, from every lane.
        public var decisions: Int { lanes.values.reduce(0) { $0 + $1.decisions } }
        /// Labels archived, from every lane.
        public var labels: Int { lanes.values.reduce(0) { $0 + $1.labels } }
        /// Log bytes skipped, in every lane.
        public var droppedBytes: Int { lanes.values.reduce(0) { $0 + $1.droppedBytes } }

        public var description: String {
            lanes.keys.sorted().map { "\(($0 as NSString).lastPathComponent): \(lanes[$0]!.position)" }.joined(separator: ", ")
        }
    }

    /// The warehouse.
    public let database: SQLiteDatabase
    /// The decision log's directory.
    public let logDirectory: String
    /// The lowest level written to `fraud_alerts`.
    public let alertLevel: RiskLevel
    public private(set) var cursor = Cursor()
    /// Lanes whose newest segment holds a record that will never read, where their reading
    /// stopped (`JournalTail.Progress.stuck`), as the last batch read them.
    public private(set) var stuckLanes: [String: Journal.ReplayReport.Truncation] = [:]
    /// The lanes the last batch read (one that ended early, yielding, may not reach them all).
    public private(set) var lanesRead: Set<String> = []
    /// The lanes the last batch found made anew, past whose segments the cursor was
    /// (`JournalTail.Progress.restarted`): read again from their first segment.
    public private(set) var restartedLanes: Set<String> = []

    private let insertTransaction: SQLiteStatement
    private let insertAlert: SQLiteStatement
    private let insertLabel: SQLiteStatement
    private let addToWindow: SQLiteStatement
    private let saveCursor: SQLiteStatement
    /// The batch's analytics, by minute and category, written once per batch.
    private var windows: [WindowKey: WindowTotals] = [:]
    /// A row's JSON columns, reused from row to row.
    private var factorsText = JSONBuffer(capacity: 2_048)
    private var featuresText = JSONBuffer(capacity: 4_096)

    /// Opens (creating) the warehouse at `databasePath` for the log in `logDirectory`.
    public init(databasePath: String, logDirectory: String, alertLevel: RiskLevel = .medium) throws {
        database = try SQLiteDatabase(path: databasePath)
        try WarehouseSchema.create(in: database)
        self.logDirectory = DurableFile.canonicalPath(logDirectory)
        self.alertLevel = alertLevel
        let factors = WarehouseSchema.factorColumns
        let factorList = factors.joined(separator: ", ")
        let factorSlots = Array(repeating: "?", count: factors.count).joined(separator: ", ")
        insertTransaction = try database.prepare(
            """
            INSERT INTO raw_transactions (transaction_id, card_id, merchant_id, amount, amount_minor, currency,
                event_time, event_time_ms, latitude, longitude, country, device_id, ip_address, category,
                payment_method, channel, risk_score, risk_level, model_version, \(factorList), factors, features, archived_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(factorSlots), ?, ?, ?)
            """)
        insertAlert = try database.prepare(
            """
            INSERT INTO fraud_alerts (transaction_id, card_id, merchant_id, amount, category, country, event_time,
                event_time_ms, risk_score, risk_level, model_version, reasons, \(factorList), factors, archived_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(factorSlots), ?, ?)
            """)
        insertLabel = try database.prepare(
            """
            INSERT INTO labels (transaction_id, card_id, merchant_id, label, amount_minor, event_time_ms,
                reported_time_ms, disposition) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        addToWindow = try database.prepare(
            """
            INSERT INTO analytics_results (window_start_ms, window_end_ms, category, transaction_count, total_revenue,
                alert_count, score_sum, max_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (window_start_ms, category) DO UPDATE SET
                transaction_count = transaction_count + excluded.transaction_count,
                total_revenue = total_revenue + excluded.total_revenue,
                alert_count = alert_count + excluded.alert_count, score_sum = score_sum + excluded.score_sum,
                max_score = max(max_score, excluded.max_score)
            """)
        saveCursor = try database.prepare(
            """
            INSERT INTO archive_cursor (log_directory, segment, offset, decisions, labels, dropped_bytes)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (log_directory) DO UPDATE SET segment = excluded.segment, offset = excluded.offset,
                decisions = excluded.decisions, labels = excluded.labels, dropped_bytes = excluded.dropped_bytes
            """)
        let (saved, respelled) = try Self.savedCursorAndSpellings(in: database, logDirectory: self.logDirectory)
        cursor = saved
        // Rows an earlier start saved under another spelling of a lane's path: kept once, under its own.
        if !respelled.isEmpty {
            let forget = try database.prepare("DELETE FROM archive_cursor WHERE log_directory = ?")
            try database.transaction {
                for key in respelled { try forget.run([.text(key)]) }
                for lane in Set(respelled.map(DurableFile.canonicalPath)) { try save(lane, saved.lanes[lane]!) }
            }
        }
    }

    private func save(_ lane: String, _ saved: LaneCursor) throws {
        try saveCursor.run([
            .text(lane), .integer(Int64(saved.position.segment)), .integer(Int64(saved.position.offset)),
            .integer(Int64(saved.decisions)), .integer(Int64(saved.labels)), .integer(Int64(saved.droppedBytes)),
        ])
    }

    /// The cursor saved in `database` for the lanes of `logDirectory` (and for the directory
    /// itself, where a log written before lanes kept its segments), by each lane's canonical
    /// path (`DurableFile.canonicalPath`).
    static func savedCursor(in database: SQLiteDatabase, logDirectory: String?) throws -> Cursor {
        try savedCursorAndSpellings(in: database, logDirectory: logDirectory.map(DurableFile.canonicalPath)).cursor
    }

    /// `savedCursor`, and the keys of the rows saved under another spelling of their lane's path
    /// (before starts made paths canonical). Where two rows name one lane, the one further on counts.
    private static func savedCursorAndSpellings(
        in database: SQLiteDatabase, logDirectory: String?
    ) throws -> (cursor: Cursor, respelled: [String]) {
        var cursor = Cursor()
        var respelled: [String] = []
        let rows = try database.rows("SELECT log_directory, segment, offset, decisions, labels, dropped_bytes FROM archive_cursor")
        for row in rows {
            guard let key = row[0].text else { continue }
            let directory = DurableFile.canonicalPath(key)
            if let logDirectory, directory != logDirectory, !directory.hasPrefix(logDirectory + "/") { continue }
            if directory != key { respelled.append(key) }
            let lane = LaneCursor(
                // Read as written; a value no cursor could hold (negative) starts the lane over.
                position: JournalTail.Position(
                    segment: UInt64(exactly: row[1].integer ?? 0) ?? 0, offset: max(Int(row[2].integer ?? 0), 0)),
                decisions: Int(row[3].integer ?? 0), labels: Int(row[4].integer ?? 0), droppedBytes: Int(row[5].integer ?? 0))
            if let other = cursor.lanes[directory], other.position >= lane.position { continue }
            cursor.lanes[directory] = lane
        }
        return (cursor, respelled)
    }

    /// Archives up to `maximumRecords` records of what the log holds after the cursor, in one
    /// transaction; returns how many. The lanes share the batch evenly, a lane with less
    /// leaving its share to the others, read `chunkRecords` at a time at most; after each
    /// chunk, the batch ends early if `continuing` says so. Then removes the segments read to
    /// their end.
    @discardableResult
    public func archiveAvailable(
        maximumRecords: Int = ArchiveConfiguration.defaultBatchRecords, chunkRecords: Int = .max,
        continuing: () -> Bool = { true }
    ) throws -> Int {
        var next = cursor
        // When this batch reached the warehouse: how late alerts arrive is measured against it.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        windows.removeAll(keepingCapacity: true)
        // Only what this batch reads: a lane it does not reach is not reported on an old reading.
        stuckLanes.removeAll()
        lanesRead.removeAll()
        restartedLanes.removeAll()
        let lanes = try JournalLanes.directories(in: logDirectory)
        var legacyReadToEnd = false
        let archived = try database.transaction {
            var remaining = maximumRecords
            // Lanes that may hold more: each round gives each an even share of what is left.
            var open = lanes
            reading: while remaining > 0, !open.isEmpty {
                let share = min(max(remaining / open.count, 1), chunkRecords)
                var full: [String] = []
                for lane in open where remaining > 0 {
                    let wanted = min(share, remaining)
                    let read = try archive(lane: lane, upTo: wanted, at: now, into: &next)
                    remaining -= read
                    if read == wanted { full.append(lane) } else if lane == logDirectory { legacyReadToEnd = true }
                    if read > 0, !continuing() { break reading }
                }
                open = full
            }
            try writeWindows()
            for lane in lanes where next.lanes[lane] != cursor.lanes[lane] { try save(lane, next.lanes[lane]!) }
            return maximumRecords - remaining
        }
        cursor = next
        for (lane, reached) in next.lanes where reached.position.segment > 0 {
            // Only below a segment that is there: a lane whose log was made anew since the
            // read (segment 0 again) has every segment below the old position still to read.
            guard try Journal.segments(in: lane).contains(reached.position.segment) else { continue }
            try Journal.removeSegments(before: reached.position.segment, in: lane)
        }
        // A log from before lanes has no writer any more: read to its end, it is done with
        // (what a kill left torn at its end can never be completed), so its last segment goes too.
        if legacyReadToEnd { try Journal.removeSegments(before: .max, in: logDirectory) }
        return archived
    }

    /// Archives up to `maximumRecords` records of `lane` after its place in `cursor`, moving
    /// that place on; returns how many.
    private func archive(lane: String, upTo maximumRecords: Int, at now: Int64, into cursor: inout Cursor) throws -> Int {
        var next = cursor.lanes[lane] ?? LaneCursor()
        let progress = try JournalTail.read(
            after: next.position, in: lane, layout: DecisionRecord.layout, maximumRecords: maximumRecords
        ) { kind, payload, _ in
            do {
                switch DecisionRecord.Kind(rawValue: kind) {
                case .decision:
                    try archive(try DecisionRecord.decision(from: payload), at: now)
                    next.decisions += 1
                case .label:
                    try archive(try DecisionRecord.label(from: payload))
                    next.labels += 1
                case nil:
                    next.droppedBytes += payload.count
                }
            } catch is StateFormatError {
                // A record that passed its checksum yet does not read: skipped, counted.
                next.droppedBytes += payload.count
            }
        }
        if progress.restarted { restartedLanes.insert(lane) }
        next.position = progress.position
        next.droppedBytes += progress.dropped.reduce(0) { $0 + $1.droppedBytes }
        stuckLanes[lane] = progress.stuck
        lanesRead.insert(lane)
        if next != cursor.lanes[lane] ?? LaneCursor() { cursor.lanes[lane] = next }
        return progress.records
    }

    /// Bytes of the log not yet archived.
    public func backlog() throws -> Int {
        try Self.backlog(in: logDirectory, after: cursor)
    }

    /// Bytes of the log in `logDirectory` after `cursor`, in every lane.
    static func backlog(in logDirectory: String, after cursor: Cursor) throws -> Int {
        try JournalLanes.directories(in: logDirectory).reduce(0) { total, lane in
            total + (try JournalTail.backlog(after: cursor.lanes[lane]?.position ?? .start, in: lane))
        }
    }

    private func archive(_ decision: ArchivedDecision, at now: Int64) throws {
        let assessment = decision.assessment
        let amount = Double(decision.amountMinor) / 100
        let time = Self.isoTime(decision.eventTimeMs)
        Self.writeFactors(assessment, to: &factorsText)
        Self.writeFeatures(decision.features, to: &featuresText)
        try insertTransaction.run { row in
            try row.add(decision.transactionID)
            try row.add(decision.cardID)
            try row.add(decision.merchantID)
            try row.add(amount)
            try row.add(decision.amountMinor)
            try row.add(decision.currency.isEmpty ? "USD" : decision.currency)
            try row.add(time)
            try row.add(decision.eventTimeMs)
            if let location = decision.location {
                try row.add(location.latitude)
                try row.add(location.longitude)
            } else {
                try row.addNull()
                try row.addNull()
            }
            try row.add(orNull: decision.country)
            try row.add(orNull: decision.deviceID)
            try row.add(orNull: decision.ipAddress)
            try row.add(orNull: decision.merchantCategory)
            try row.add(orNull: decision.paymentMethod)
            try row.add(Int64(decision.channel))
            try row.add(Double(assessment.score))
            try row.add(assessment.level.name)
            try row.add(decision.modelVersion)
            try Self.addFactorScores(of: assessment, to: &row)
            try row.add(utf8: factorsText.bytes)
            try row.add(utf8: featuresText.bytes)
            try row.add(now)
        }
        let isAlert = assessment.level >= alertLevel
        if isAlert {
            try insertAlert.run { row in
                try row.add(decision.transactionID)
                try row.add(decision.cardID)
                try row.add(decision.merchantID)
                try row.add(amount)
                try row.add(orNull: decision.merchantCategory)
                try row.add(orNull: decision.country)
                try row.add(time)
                try row.add(decision.eventTimeMs)
                try row.add(Double(assessment.score))
                try row.add(assessment.level.name)
                try row.add(decision.modelVersion)
                try row.add(Self.reasons(assessment))
                try Self.addFactorScores(of: assessment, to: &row)
                try row.add(utf8: factorsText.bytes)
                try row.add(now)
            }
        }
        let key = WindowKey(
            start: decision.eventTimeMs - decision.eventTimeMs % WarehouseSchema.windowMilliseconds,
            category: decision.merchantCategory.isEmpty ? "unknown" : decision.merchantCategory)
        windows[key, default: WindowTotals()].add(amount: amount, score: Double(assessment.score), isAlert: isAlert)
    }

    /// One minute of one category in `analytics_results`.
    private struct WindowKey: Hashable {
        var start: Int64
        var category: String
    }

    /// What a batch adds to one `analytics_results` row.
    private struct WindowTotals {
        var count: Int64 = 0
        var revenue = 0.0
        var alerts: Int64 = 0
        var scoreSum = 0.0
        var maximumScore = 0.0

        mutating func add(amount: Double, score: Double, isAlert: Bool) {
            count += 1
            revenue += amount
            alerts += isAlert ? 1 : 0
            scoreSum += score
            maximumScore = max(maximumScore, score)
        }
    }

    /// Adds the batch's analytics to their windows, in one statement per window.
    private func writeWindows() throws {
        for (key, totals) in windows {
            try addToWindow.run { row in
                try row.add(key.start)
                try row.add(key.start + WarehouseSchema.windowMilliseconds)
                try row.add(key.category)
                try row.add(totals.count)
                try row.add(totals.revenue)
                try row.add(totals.alerts)
                try row.add(totals.scoreSum)
                try row.add(totals.maximumScore)
            }
        }
        windows.removeAll(keepingCapacity: true)
    }

    private func archive(_ label: ArchivedLabel) throws {
        let name =
            switch label.label {
            case 1: "fraud"
            case 2: "legitimate"
            default: "unspecified"
            }
        try insertLabel.run([
            .text(label.transactionID), .text(label.cardID), .text(label.merchantID), .text(name),
            .integer(label.amountMinor), .integer(label.eventTimeMs), .integer(label.reportedTimeMs),
            .text(label.disposition?.name ?? "unknown"),
        ])
    }

    private static func optional(_ text: String) -> SQLiteValue { text.isEmpty ? .null : .text(text) }

    /// The factors that raised the score, strongest first, as one line: what an analyst reads first.
    static func reasons(_ assessment: RiskAssessment) -> String {
        RiskFactor.allCases
            .map { (factor: $0, outcome: assessment[$0]) }
            .filter { $0.outcome.score > 0 }
            .sorted { $0.outcome.contribution > $1.outcome.contribution }
            .map { "\($0.factor.name): \($0.outcome.reason)" }
            .joined(separator: " | ")
    }

    /// Binds each factor's score, in `RiskFactor` order: the `<factor>_score` columns of both tables.
    private static func addFactorScores(of assessment: RiskAssessment, to row: inout SQLiteBindings) throws {
        let outcomes = assessment.factors.span
        for factor in RiskFactor.allCases { try row.add(Double(outcomes[factor.rawValue].score)) }
    }

    /// Writes every factor's score, weight, contribution and reason, as a JSON array, to `json`.
    static func writeFactors(_ assessment: RiskAssessment, to json: inout JSONBuffer) {
        json.reset()
        json.append("[")
        let outcomes = assessment.factors.span
        for factor in RiskFactor.allCases {
            let outcome = outcomes[factor.rawValue]
            if factor.rawValue > 0 { json.append(",") }
            json.append(#"{"factor":"#)
            json.append(raw: factorNames[factor.rawValue])
            json.append(#","score":"#)
            json.append(outcome.score)
            json.append(#","weight":"#)
            json.append(outcome.weight)
            json.append(#","contribution":"#)
            json.append(outcome.contribution)
            json.append(#","reason":"#)
            json.appendQuoted { outcome.render(into: &$0) }
            json.append("}")
        }
        json.append("]")
    }

    /// `RiskFactor` names as quoted JSON strings, made once.
    private static let factorNames = RiskFactor.allCases.map { Array("\"\($0.name)\"".utf8) }

    /// `FeatureVector.names` as JSON object keys, made once.
    private static let featureNames = FeatureVector.names.map { Array("\"\($0)\":".utf8) }

    /// Writes the feature values the model read, as a JSON object of name to value, to `json`;
    /// zeros (most of the one-hot features) are left out.
    static func writeFeatures(_ features: FeatureVector, to json: inout JSONBuffer) {
        json.reset()
        json.append("{")
        var first = true
        let values = features.values.span
        for index in 0..<FeatureVector.count {
            let value = values[index]
            guard value != 0, value.isFinite else { continue }
            if !first { json.append(",") }
            first = false
            json.append(raw: featureNames[index])
            json.append(value)
        }
        json.append("}")
    }

    /// Event time as ISO 8601 in UTC, to the millisecond (`2026-11-02T14:00:00.000Z`); a time
    /// before 1970 or after 9999 is written as the nearest of those (four-digit years only).
    public static func isoTime(_ requested: Int64) -> String {
        let milliseconds = min(max(requested, 0), latestISOTimeMs)
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits by hand: String(format:) costs more than the row's insert.
        var text = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        put(Int(parts.tm_mday), at: 8, digits: 2)
        put(Int(parts.tm_hour), at: 11, digits: 2)
        put(Int(parts.tm_min), at: 14, digits: 2)
        put(Int(parts.tm_sec), at: 17, digits: 2)
        put(Int(milliseconds % 1000), at: 20, digits: 3)
        for (offset, character) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)] {
            text[offset] = UInt8(ascii: character)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// 9999-12-31T23:59:59.999Z, the last time `isoTime` writes.
    static let latestISOTimeMs: Int64 = 253_402_300_799_999
}
