import Archive
import ArgumentParser

/// `export --lake DIR`: the rows added since the last export, as hourly-partitioned gzipped JSON Lines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export new rows to a lake: DIR/<table>/year=/month=/day=/hour=/part-*.jsonl.gz (DuckDB, Spark, Snowflake read them).")

    @OptionGroup var location: ArchiveLocation

    @Option(help: "The lake's root directory.")
    var lake: String

    func run() throws {
        try runJob {
            let export = try LakeExport(databasePath: location.path, directory: lake)
            let exported = try export.exportNew()
            location.print(
                Dictionary(uniqueKeysWithValues: exported.map { ($0.table, ["rows": $0.rows, "files": $0.files.count] as [String: Any]) }),
                text: exported.map { "\($0.table): \($0.rows) rows in \($0.files.count) files" }.joined(separator: "\n"))
        }
    }
}
