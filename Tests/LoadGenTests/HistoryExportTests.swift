import ArgumentParser
import Foundation
import ScoringModel
import StreamifyWire
import SyntheticWorld
import Testing

@testable import LoadGen

@Suite("Training on your own history (CSV and JSON lines)")
struct HistoryExportTests {
    static let columns = "card=card_id,merchant=terminal_id,amount=tx_amount,time=tx_datetime,label=tx_fraud,transaction=tx_id"

    static func export(_ delayDays: Int64 = 7) throws -> HistoryExport {
        HistoryExport(columns: try HistoryExport.Columns(parsing: columns), chargebackDelayMs: delayDays * 86_400_000)
    }

    @Test("CSV rows become transactions in event-time order, each fraud reported after the chargeback delay")
    func csv() throws {
        let text = "\u{FEFF}tx_id,tx_datetime,card_id,terminal_id,tx_amount,tx_fraud\r\n"
            + "t2,2026-03-02 10:00:00,c1,\"term, 7\",12.50,0\r\n"
            + "t1,2026-03-01T09:00:00Z,c1,term-1,\"1,000.00\",1\n"
        let rows = try HistoryExport.csvRows(Data(text.utf8))
        #expect(rows.count == 2)
        #expect(rows[0].values["terminal_id"] == "term, 7")
        #expect(rows[1].values["tx_amount"] == "1,000.00")
        #expect(throws: (any Error).self) { try Self.export().workload(rows) }  // "1,000.00" is no amount
        let fixed = rows.map { row in
            var row = row
            if row.values["tx_amount"] == "1,000.00" { row.values["tx_amount"] = "1000.00" }
            return row
        }
        var (workload, summary) = try Self.export().workload(fixed)
        #expect(summary.rows == 2 && summary.frauds == 1)
        var items: [StreamItem] = []
        while let item = workload.nextItem() { items.append(item) }
        guard case .transaction(let first) = items[0], case .transaction(let second) = items[1],
            case .feedback(let report, _) = items[2]
        else {
            Issue.record("unexpected order: \(items)")
            return
        }
        #expect(first.transaction.transactionID == "t1" && first.truth.isFraud && first.transaction.amountMinor == 100_000)
        #expect(second.transaction.merchantID == "term, 7" && !second.truth.isFraud && second.transaction.amountMinor == 1_250)
        #expect(report.transactionID == "t1" && report.label == .fraud)
        #expect(report.reportedTimeMs == first.transaction.eventTimeMs + 7 * 86_400_000)
    }

    @Test("JSON lines with numbers, booleans and Unix times")
    func jsonLines() throws {
        let text = """
            {"tx_id": "a", "tx_datetime": 1772355600, "card_id": "c", "terminal_id": 5, "tx_amount": 20, "tx_fraud": false}
            {"tx_id": "b", "tx_datetime": 1772355660000, "card_id": "c", "terminal_id": 5, "tx_amount": 30.5, "tx_fraud": true}
            """
        let rows = try HistoryExport.jsonRows(Data(text.utf8))
        let (_, summary) = try Self.export().workload(rows)
        #expect(summary.rows == 2 && summary.frauds == 1)
        #expect(rows[1].values["tx_fraud"] == "true" && rows[0].values["terminal_id"] == "5")
        #expect(HistoryExport.unixMs("1772355600") == 1_772_355_600_000)
        #expect(HistoryExport.unixMs("1772355660000") == 1_772_355_660_000)
    }

    @Test("bad mappings and bad rows are refused with the field, line and column")
    func refusals() throws {
        #expect(throws: (any Error).self) { try HistoryExport.Columns(parsing: "card=a,merchant=b,amount=c,time=d") }
        #expect(throws: (any Error).self) { try HistoryExport.Columns(parsing: Self.columns + ",colour=x") }
        let rows = try HistoryExport.csvRows(Data("tx_id,tx_datetime,card_id,terminal_id,tx_amount,tx_fraud\nt1,yesterday,c,t,1,0\n".utf8))
        do {
            _ = try Self.export().workload(rows)
            Issue.record("accepted a row without a readable time")
        } catch {
            #expect("\(error)".contains("line 2, column tx_datetime"), "\(error)")
        }
        #expect(throws: (any Error).self) { try HistoryExport.csvRows(Data("a,b\n1\n".utf8)) }
        // Out-of-range numbers are refused, never trapped on.
        for (time, amount) in [("1e30", "1"), ("1772355600", "1e20"), ("1772355600", "0"), ("-5", "1"), ("1990-01-01T00:00:00Z", "1")] {
            let row = try HistoryExport.csvRows(
                Data("tx_id,tx_datetime,card_id,terminal_id,tx_amount,tx_fraud\nt1,\(time),c,t,\(amount),0\n".utf8))
            #expect(throws: (any Error).self, "time \(time), amount \(amount)") { try Self.export().workload(row) }
        }
        #expect(throws: (any Error).self) { try HistoryExport.csvRows(Data("a,b\n\"1,2\n".utf8)) }
    }

    @Test("loadgen train --input FILE --columns fits a model to an exported history")
    func trainsOnAnExport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("streamify-history-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csvPath = directory.appendingPathComponent("history.csv").path
        let modelPath = directory.appendingPathComponent("model.json").path
        // Three weeks of a small terminal world, written as a warehouse would export it.
        var stream = TerminalStream(configuration: TerminalWorldConfiguration(seed: 9, customerCount: 400, terminalCount: 800))
        let end = stream.configuration.startTimeMs + 21 * 86_400_000
        var text = "tx_id,tx_datetime,card_id,terminal_id,tx_amount,tx_fraud\n"
        var rows = 0
        while true {
            guard case .transaction(let labelled) = stream.next() else { continue }
            let t = labelled.transaction
            guard t.eventTimeMs < end else { break }
            text += "\(t.transactionID),\(t.eventTimeMs),\(t.cardID),\(t.merchantID),\(Double(t.amountMinor) / 100),\(labelled.truth.isFraud ? 1 : 0)\n"
            rows += 1
        }
        try text.write(toFile: csvPath, atomically: true, encoding: .utf8)
        var train = try LoadGen.parseAsRoot([
            "train", "--input", csvPath, "--columns", Self.columns, "--chargeback-delay", "7d",
            "--outcome-maturity", "8d", "--outcome-delay", "7d", "--output", modelPath,
        ])
        try train.run()
        let model = try RiskModel.decode(json: Data(contentsOf: URL(fileURLWithPath: modelPath)))
        #expect(model.version == "trained-history")
        #expect(model.logistic != nil)
        #expect(rows > 10_000)
    }
}
