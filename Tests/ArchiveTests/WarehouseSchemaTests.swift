@testable import Archive
import Foundation
import ScoringTestSupport
import Testing

/// The ids of the tables the lake export follows are never given out twice, so a row added
/// after retention deleted the newest ones still lands past the lake's cursor; a warehouse an
/// earlier build made without AUTOINCREMENT is rebuilt with it, its rows, ids, indexes and
/// views kept.
@Suite("Warehouse schema: ids the lake export can follow")
struct WarehouseSchemaTests {
    /// Adds a label row; its id.
    static func addLabel(_ database: SQLiteDatabase, _ transactionID: String) throws -> Int64 {
        try database.prepare(
            """
            INSERT INTO labels (transaction_id, card_id, merchant_id, label, amount_minor, event_time_ms, reported_time_ms, disposition)
            VALUES (?, 'card-1', 'm-1', 'fraud', 100, 1, 2, 'applied')
            """
        ).run([.text(transactionID)])
        return try #require(try database.rows("SELECT last_insert_rowid()").first?.first?.integer)
    }

    static func definition(of table: String, in database: SQLiteDatabase) throws -> String {
        try database.rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)]).first?.first?.text ?? ""
    }

    @Test("a new warehouse gives no id twice, even once the newest rows are deleted")
    func newWarehouseNeverReusesIds() throws {
        let path = try makeTestDirectory("schema").appendingPathComponent("warehouse.db").path
        let database = try SQLiteDatabase(path: path)
        try WarehouseSchema.create(in: database)
        for (table, _) in LakeExport.tables {
            #expect(try Self.definition(of: table, in: database).contains("AUTOINCREMENT"), "\(table)")
        }
        #expect(try Self.addLabel(database, "tx-1") == 1)
        #expect(try Self.addLabel(database, "tx-2") == 2)
        try database.execute("DELETE FROM labels WHERE id = 2")
        #expect(try Self.addLabel(database, "tx-3") == 3)
    }

    @Test("a warehouse made without AUTOINCREMENT is rebuilt with it; rows, ids, indexes, triggers and views kept; new ids pass the lake's cursor")
    func earlierWarehouseIsRebuilt() throws {
        let path = try makeTestDirectory("schema-earlier").appendingPathComponent("warehouse.db").path
        let database = try SQLiteDatabase(path: path)
        // As an older build made the warehouse: no AUTOINCREMENT, and without the columns added
        // since (the last factor's score, `features`), which opening adds, nullable, NULL in its rows.
        let lastFactor = try #require(WarehouseSchema.factorColumns.last)
        for statement in WarehouseSchema.statements {
            try database.execute(
                statement.replacingOccurrences(of: " AUTOINCREMENT", with: "")
                    .replacingOccurrences(of: ", \(lastFactor) REAL NOT NULL", with: "")
                    .replacingOccurrences(of: "features TEXT NOT NULL, ", with: ""))
        }
        let oldColumns = WarehouseSchema.factorColumns.dropLast().joined(separator: ", ")
        try database.execute(
            """
            INSERT INTO raw_transactions (transaction_id, card_id, merchant_id, amount, amount_minor, currency, event_time,
                event_time_ms, channel, risk_score, risk_level, model_version, \(oldColumns), factors, archived_at_ms)
            VALUES ('tx-old', 'card-1', 'm-1', 1.0, 100, 'USD', '2026-11-02T14:00:00Z', 1, 0, 0.5, 'low', 'v1',
                \(WarehouseSchema.factorColumns.dropLast().map { _ in "0.1" }.joined(separator: ", ")), '[]', 1)
            """)
        // An analyst's view, index and oddly named column on a table the rebuild replaces.
        try database.execute("CREATE VIEW analyst_labels AS SELECT COUNT(*) AS n FROM labels")
        try database.execute("CREATE INDEX analyst_labels_label ON labels (label)")
        try database.execute(#"ALTER TABLE labels ADD COLUMN "analyst note" TEXT"#)
        try database.execute("CREATE TABLE analyst_audit (label_id INTEGER)")
        try database.execute("CREATE TRIGGER analyst_audit_labels AFTER INSERT ON labels BEGIN INSERT INTO analyst_audit VALUES (NEW.id); END")
        for (table, _) in LakeExport.tables {
            #expect(try !Self.definition(of: table, in: database).contains("AUTOINCREMENT"), "\(table)")
        }
        for index in 1...4 { _ = try Self.addLabel(database, "tx-\(index)") }
        // The lake took rows 1 to 4; then the newest two were deleted. That build gave out 3 again.
        try database.execute("INSERT INTO lake_cursor (table_name, last_id) VALUES ('labels', 4)")
        try database.execute("DELETE FROM labels WHERE id > 2")

        try WarehouseSchema.create(in: database)
        for (table, _) in LakeExport.tables {
            #expect(try Self.definition(of: table, in: database).contains("AUTOINCREMENT"), "\(table)")
        }
        let kept = try database.rows("SELECT id, transaction_id FROM labels ORDER BY id").map { [$0[0].integer, $0[1].text] as [Any?] }
        #expect(kept.map { $0[0] as? Int64 } == [1, 2])
        #expect(kept.map { $0[1] as? String } == ["tx-1", "tx-2"])
        #expect(try Self.addLabel(database, "tx-5") == 5, "a new row lands past the lake's cursor")
        let names = Set(try database.rows("SELECT name FROM sqlite_master WHERE type IN ('index', 'view')").compactMap { $0[0].text })
        let expected = WarehouseSchema.views.map(\.name) + ["labels_transaction", "labels_card", "raw_transactions_card", "fraud_alerts_level"]
        #expect(Set(expected).isSubset(of: names), "missing: \(Set(expected).subtracting(names))")
        #expect(try database.rows("SELECT COUNT(*) FROM daily_sales_summary").first?.first?.integer == 1, "the views read the rebuilt tables")
        #expect(try database.rows("SELECT n FROM analyst_labels").first?.first?.integer == 3, "the analyst's view reads the rebuilt table")
        #expect(names.contains("analyst_labels_label"), "the analyst's index is made again")
        #expect(try database.rows(#"SELECT COUNT("analyst note") FROM labels"#).first?.first?.integer == 0, "the analyst's column is kept")
        #expect(try database.rows("PRAGMA legacy_alter_table").first?.first?.integer == 0, "the legacy rename is off again")
        let old = try database.rows("SELECT id, features, \(lastFactor) FROM raw_transactions WHERE transaction_id = 'tx-old'")
        #expect(old.first?[0].integer == 1 && old.first?[1].text == nil && old.first?[2].real == nil, "the older row, NULL where it has no value")

        // Opened again, nothing is rebuilt.
        try WarehouseSchema.create(in: database)
        #expect(try Self.addLabel(database, "tx-6") == 6)
        let audited = try database.rows("SELECT label_id FROM analyst_audit ORDER BY label_id").compactMap { $0[0].integer }
        #expect(audited == [1, 2, 3, 4, 5, 6], "the analyst's trigger is made again and fires on the rebuilt table")
    }
}
