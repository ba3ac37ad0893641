import Foundation
import StreamifyWire
import ScoringModel
import SyntheticWorld

/// A deployment's own labelled history, exported from its warehouse as CSV (with a header row)
/// or JSON lines: one transaction per row, with a fraud label. `--columns` names which column
/// holds what; the rows become a replay in event-time order, each fraud reported
/// `chargebackDelayMs` after it (legitimate ones never: they mature, as in the daemon).
///
/// Times are ISO 8601 (`2026-03-01T12:00:00Z`, or with a space and no zone, read as UTC) or Unix
/// seconds or milliseconds; labels are 1/0, true/false, yes/no or fraud/legit(imate). A row
/// that cannot be read stops the import with its line number and column.
struct HistoryExport {
    typealias InvalidWorkloadFile = WorkloadFileReader.InvalidWorkloadFile

    /// Which column holds each field; `card`, `merchant`, `amount`, `time` and `label` are required.
    struct Columns: Sendable, Equatable {
        var fields: [String: String]

        static let required = ["card", "merchant", "amount", "time", "label"]
        static let optional = [
            "transaction", "latitude", "longitude", "country", "device", "ip", "user_agent", "category", "method",
            "channel", "currency",
        ]

        /// Parses `field=column,field=column`.
        init(parsing text: String) throws(InvalidWorkloadFile) {
            var fields: [String: String] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw InvalidWorkloadFile(description: "--columns: \"\(pair)\" is not field=column")
                }
                guard Self.required.contains(parts[0]) || Self.optional.contains(parts[0]) else {
                    throw InvalidWorkloadFile(
                        description: "--columns: unknown field \"\(parts[0])\"; fields: "
                            + (Self.required + Self.optional).joined(separator: ", "))
                }
                fields[parts[0]] = parts[1]
            }
            if let missing = Self.required.first(where: { fields[$0] == nil }) {
                throw InvalidWorkloadFile(description: "--columns must name the \(missing) column (required: \(Self.required.joined(separator: ", ")))")
            }
            self.fields = fields
        }
    }

    /// Amounts in major units (12.50) or minor units (1250).
    enum AmountUnit: String, Sendable {
        case major, minor
    }

    var columns: Columns
    var amountUnit: AmountUnit = .major
    var chargebackDelayMs: Int64

    /// What the file held.
    struct Summary: Sendable {
        var rows: Int
        var frauds: Int
    }

    /// Reads `path` (CSV unless it ends in `.jsonl` or `.ndjson`).
    func read(path: String) throws -> (RecordedWorkload, Summary) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InvalidWorkloadFile(description: "cannot read \(path): \(error.localizedDescription)")
        }
        let isJSON = path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson")
        let rows = isJSON ? try Self.jsonRows(data) : try Self.csvRows(data)
        return try workload(rows)
    }

    /// Rows (line number, field → text) to a replay.
    func workload(_ rows: [(line: Int, values: [String: String])]) throws -> (RecordedWorkload, Summary) {
        var transactions: [(time: Int64, order: Int, labelled: LabelledTransaction)] = []
        for (order, row) in rows.enumerated() {
            transactions.append(try transaction(row.values, line: row.line, order: order))
        }
        transactions.sort { ($0.time, $0.order) < ($1.time, $1.order) }
        var reports: [(time: Int64, feedback: Feedback, cardIndex: Int)] = []
        for entry in transactions where entry.labelled.truth.isFraud {
            let transaction = entry.labelled.transaction
            reports.append(
                (
                    entry.time + chargebackDelayMs,
                    Feedback(
                        transactionID: transaction.transactionID, cardID: transaction.cardID,
                        merchantID: transaction.merchantID, label: .fraud, eventTimeMs: entry.time,
                        reportedTimeMs: entry.time + chargebackDelayMs, amountMinor: transaction.amountMinor),
                    entry.labelled.cardIndex
                ))
        }
        var items: [StreamItem] = []
        items.reserveCapacity(transactions.count + reports.count)
        var next = 0
        for entry in transactions {
            while next < reports.count, reports[next].time <= entry.time {
                items.append(.feedback(reports[next].feedback, cardIndex: reports[next].cardIndex))
                next += 1
            }
            items.append(.transaction(entry.labelled))
        }
        for report in reports[next...] { items.append(.feedback(report.feedback, cardIndex: report.cardIndex)) }
        return (RecordedWorkload(items: items, hasGroundTruth: true), Summary(rows: transactions.count, frauds: reports.count))
    }

    private func transaction(_ values: [String: String], line: Int, order: Int) throws -> (Int64, Int, LabelledTransaction) {
        func value(_ field: String) -> String? {
            columns.fields[field].flatMap { values[$0] }.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func fail(_ field: String, _ problem: String) -> InvalidWorkloadFile {
            InvalidWorkloadFile(description: "line \(line), column \(columns.fields[field] ?? field): \(problem)")
        }
        func required(_ field: String) throws -> String {
            guard let text = value(field), !text.isEmpty else { throw fail(field, "missing \(field)") }
            return text
        }
        let card = try required("card")
        let merchant = try required("merchant")
        let amountText = try required("amount")
        // The daemon takes 1 to 10^13 minor units.
        let minorLimit = 1e13
        guard let amount = Double(amountText), amount.isFinite, amount > 0,
            (amountUnit == .major ? amount * 100 : amount) <= minorLimit
        else {
            throw fail("amount", "\"\(amountText)\" is not an amount above 0 and at most 10^13 minor units")
        }
        let timeText = try required("time")
        guard let time = Self.unixMs(timeText), EventTime.isValid(unixMs: time) else {
            throw fail("time", "\"\(timeText)\" is not ISO 8601 or Unix seconds/milliseconds between 2000 and 2100")
        }
        let labelText = try required("label")
        guard let fraud = Self.isFraud(labelText) else {
            throw fail("label", "\"\(labelText)\" is not a label (1/0, true/false, yes/no, fraud/legitimate)")
        }
        var location: GeoPoint?
        if let latitude = value("latitude").flatMap(Double.init), let longitude = value("longitude").flatMap(Double.init) {
            location = GeoPoint(latitude: latitude, longitude: longitude)
        }
        let channel = value("channel").map(Self.channel) ?? .unspecified
        let transaction = Transaction(
            transactionID: value("transaction").flatMap { $0.isEmpty ? nil : $0 } ?? "row-\(line)",
            cardID: card, merchantID: merchant,
            amountMinor: Int64((amountUnit == .major ? amount * 100 : amount).rounded()),
            currency: value("currency") ?? "", eventTimeMs: time, location: location, country: value("country") ?? "",
            deviceID: value("device") ?? "", ipAddress: value("ip") ?? "", userAgent: value("user_agent") ?? "",
            merchantCategory: value("category") ?? "", paymentMethod: value("method") ?? "", channel: channel)
        let labelled = LabelledTransaction(
            transaction: transaction, truth: fraud ? GroundTruth(scenario: .labelled) : .legitimate,
            cardIndex: CardRouting.index(cardID: card))
        return (time, order, labelled)
    }

    static func isFraud(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "fraud", "y", "t": true
        case "0", "false", "no", "legit", "legitimate", "n", "f": false
        default: nil
        }
    }

    static func channel(_ text: String) -> Transaction.Channel {
        switch text.lowercased() {
        case "card_present", "pos", "present": .cardPresent
        case "online", "ecommerce", "card_not_present": .online
        case "contactless": .contactless
        case "atm": .atm
        default: .unspecified
        }
    }

    /// Unix milliseconds from ISO 8601 or a Unix timestamp (seconds below 10^11, else milliseconds).
    static func unixMs(_ text: String) -> Int64? {
        if let number = Double(text) {
            // Beyond 10^15 ms (year 33658) nothing is a valid event time; and Int64 would trap.
            guard number.isFinite, number > 0, number < 1e15 else { return nil }
            return Int64(number < 1e11 ? number * 1000 : number)
        }
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if !iso.hasSuffix("Z"), !iso.contains("+"), iso.split(separator: "T").last?.contains("-") != true { iso += "Z" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: iso) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: iso).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    /// CSV with a header row: RFC 4180 quoting ("a ""quoted"" field", commas and newlines inside quotes).
    static func csvRows(_ data: Data) throws -> [(line: Int, values: [String: String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var line = 1
        var recordLine = 1
        var bytes = Array(data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == UInt8(ascii: "\n") {
                endRecord()
                line += 1
                recordLine = line
            } else if byte != UInt8(ascii: "\r") {
                field.append(byte)
            }
            index += 1
        }
        guard !quoted else { throw InvalidWorkloadFile(description: "line \(recordLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let header = records.first else { throw InvalidWorkloadFile(description: "the CSV file is empty (a header row is needed)") }
        return try records.dropFirst().map { record in
            guard record.fields.count == header.fields.count else {
                throw InvalidWorkloadFile(
                    description: "line \(record.line): \(record.fields.count) fields, the header has \(header.fields.count)")
            }
            return (record.line, Dictionary(zip(header.fields, record.fields), uniquingKeysWith: { first, _ in first }))
        }
    }

    /// JSON lines: one object per line; numbers and booleans are read as their text.
    static func jsonRows(_ data: Data) throws -> [(line: Int, values: [String: String])] {
        var rows: [(line: Int, values: [String: String])] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw InvalidWorkloadFile(description: "line \(number + 1) is not a JSON object")
            }
            var values: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case let text as String: values[key] = text
                case let number as NSNumber:
                    // A JSON boolean arrives as an NSNumber of type char.
                    values[key] = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
                case is NSNull: break
                default: values[key] = "\(value)"
                }
            }
            rows.append((number + 1, values))
        }
        return rows
    }
}
