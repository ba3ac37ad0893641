import Archive
import ArgumentParser

/// `health`: the archive opens, is of this schema, keeps up with the decision log and is fed.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check the archive: readable, current schema, decision log backlog, fed recently.")

    @OptionGroup var location: ArchiveLocation

    @Option(help: "Unhealthy past this many bytes of decision log not yet archived.")
    var maxBacklog: Int = 256 << 20

    @Option(help: "Unhealthy when nothing was archived for this long, e.g. 5m (wall clock; off by default).")
    var maxSilence: String?

    @Option(help: "Unhealthy while decision-log bytes were dropped within this long before the check, e.g. 1h (wall clock).")
    var lossWindow: String = "1h"

    func run() throws {
        let jobs = try location.open()
        let silence = try maxSilence.map { try ArchiveLocation.milliseconds($0, option: "--max-silence") }
        let lossWindowMs = try ArchiveLocation.milliseconds(lossWindow, option: "--loss-window")
        try runJob {
            let health = try jobs.health(
                logDirectory: nil, maximumBacklogBytes: maxBacklog, maximumSilenceMs: silence, lossWindowMs: lossWindowMs,
                nowMs: ArchiveLocation.nowMs)
            location.print(
                [
                    "healthy": health.problems.isEmpty, "problems": health.problems, "schema_version": health.schemaVersion,
                    "transactions": health.transactions, "alerts": health.alerts, "archived_decisions": health.archivedDecisions,
                    "archived_labels": health.archivedLabels, "backlog_bytes": health.backlogBytes ?? -1,
                    "dropped_bytes": health.droppedBytes, "dropped_bytes_recently": health.droppedRecently,
                    "since_last_archive_ms": health.sinceLastArchiveMs ?? -1,
                ],
                text: """
                    \(health.problems.isEmpty ? "healthy" : "UNHEALTHY: " + health.problems.joined(separator: "; "))
                    schema \(health.schemaVersion); \(health.transactions) transactions, \(health.alerts) alerts; \
                    \(health.archivedDecisions) decisions and \(health.archivedLabels) labels archived; \
                    backlog \(health.backlogBytes.map { "\($0) bytes" } ?? "unknown (no decision log here)")
                    """)
            if !health.problems.isEmpty { throw ExitCode(1) }
        }
    }
}
