import Archive
import ArgumentParser

/// `retention --raw 30d --alerts 90d`: deletes what is older than the retention periods.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Delete transactions and alerts older than their retention, before the newest archived event.")

    @OptionGroup var location: ArchiveLocation

    @Option(help: "Keep transactions (and their analytics windows) this long, e.g. 30d.")
    var raw: String = "30d"

    @Option(help: "Keep alerts this long, e.g. 90d.")
    var alerts: String = "90d"

    func run() throws {
        let rawMs = try ArchiveLocation.milliseconds(raw, option: "--raw")
        let alertsMs = try ArchiveLocation.milliseconds(alerts, option: "--alerts")
        let jobs = try location.open()
        try runJob {
            let deleted = try jobs.retention(rawMs: rawMs, alertsMs: alertsMs, nowMs: ArchiveLocation.nowMs)
            location.print(
                ["deleted_transactions": deleted.transactions, "deleted_alerts": deleted.alerts, "deleted_windows": deleted.windows],
                text: "deleted \(deleted.transactions) transactions, \(deleted.alerts) alerts, \(deleted.windows) analytics windows")
        }
    }
}
