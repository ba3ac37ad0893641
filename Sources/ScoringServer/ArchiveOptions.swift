import Archive
import ArgumentParser
import ScoringModel
import StreamifyWire

/// Archive options of `scoring-server`: every decision and label kept in a SQLite warehouse.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .customLong("archive"), help: "SQLite file to archive every decision, alert and label in ('off' for none); the decision log it reads goes in PATH.log. Env: STREAMIFY_ARCHIVE")
    var path: String = environment("STREAMIFY_ARCHIVE") ?? "off"

    @Option(name: .customLong("archive-alert-level"), help: "Lowest level archived as a fraud alert: medium, high or critical. Env: STREAMIFY_ARCHIVE_ALERT_LEVEL")
    var alertLevel: String = environment("STREAMIFY_ARCHIVE_ALERT_LEVEL") ?? "medium"

    @Option(name: .customLong("archive-max-backlog"), help: "Bytes of decision log the archive may fall behind before decisions are shed from it (counted in streamify_archive_shed_total). Env: STREAMIFY_ARCHIVE_MAX_BACKLOG")
    var maxBacklog: Int = environment("STREAMIFY_ARCHIVE_MAX_BACKLOG").flatMap(Int.init) ?? ArchiveConfiguration(databasePath: "").backlogLimitBytes

    @Option(name: .customLong("archive-priority"), help: "How the archive thread shares the CPU with scoring: idle (only CPU time nothing else wants; under full load the archive falls behind, within --archive-max-backlog, and catches up after), background (niceness 19) or normal (as scoring). Env: STREAMIFY_ARCHIVE_PRIORITY")
    var priority: String = environment("STREAMIFY_ARCHIVE_PRIORITY") ?? ArchiveConfiguration(databasePath: "").priority.rawValue

    @Option(name: .customLong("archive-max-deferral"), help: "With --archive-priority idle: how long the archive may hold back in a row while the machine's CPUs are saturated, so a burst is scored on the whole CPU and archived after (0s: never). Env: STREAMIFY_ARCHIVE_MAX_DEFERRAL")
    var maxDeferral: String = environment("STREAMIFY_ARCHIVE_MAX_DEFERRAL") ?? "10s"

    /// The archive's configuration, or nil when it is off.
    func makeConfiguration() throws -> ArchiveConfiguration? {
        guard path != "off" else { return nil }
        guard !path.isEmpty else { throw ServerOptions.InvalidOption(description: "--archive needs a file path or 'off'") }
        guard let level = RiskLevel(name: alertLevel), level > .low else {
            throw ServerOptions.InvalidOption(description: "--archive-alert-level must be medium, high or critical, got '\(alertLevel)'")
        }
        var configuration = ArchiveConfiguration(databasePath: path)
        guard maxBacklog >= configuration.segmentBytes else {
            throw ServerOptions.InvalidOption(
                description: "--archive-max-backlog must be at least one log segment (\(configuration.segmentBytes) bytes), got \(maxBacklog)")
        }
        guard let priority = ArchivePriority(rawValue: priority) else {
            throw ServerOptions.InvalidOption(
                description: "--archive-priority must be \(ArchivePriority.allCases.map(\.rawValue).joined(separator: ", ")), got '\(priority)'")
        }
        guard let deferral = DurationText.seconds(maxDeferral), deferral >= 0, deferral <= 3_600 else {
            throw ServerOptions.InvalidOption(description: "--archive-max-deferral must be a duration from 0s to 1h, got '\(maxDeferral)'")
        }
        configuration.maximumDeferral = .milliseconds(Int64((deferral * 1_000).rounded()))
        configuration.alertLevel = level
        configuration.priority = priority
        configuration.backlogLimitBytes = maxBacklog
        return configuration
    }
}
