import Archive
import ArgumentParser
import ScoringModel

/// Archive options of `scoring-server`: every decision and label kept in a SQLite warehouse.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .customLong("archive"), help: "SQLite file to archive every decision, alert and label in ('off' for none); the decision log it reads goes in PATH.log. Env: STREAMIFY_ARCHIVE")
    var path: String = environment("STREAMIFY_ARCHIVE") ?? "off"

    @Option(name: .customLong("archive-alert-level"), help: "Lowest level archived as a fraud alert: medium, high or critical. Env: STREAMIFY_ARCHIVE_ALERT_LEVEL")
    var alertLevel: String = environment("STREAMIFY_ARCHIVE_ALERT_LEVEL") ?? "medium"

    @Option(name: .customLong("archive-max-backlog"), help: "Bytes of decision log the archive may fall behind before decisions are shed from it (counted in streamify_archive_shed_total). Env: STREAMIFY_ARCHIVE_MAX_BACKLOG")
    var maxBacklog: Int = environment("STREAMIFY_ARCHIVE_MAX_BACKLOG").flatMap(Int.init) ?? ArchiveConfiguration(databasePath: "").backlogLimitBytes

    @Option(name: .customLong("archive-nice"), help: "CPU niceness of the archive thread, 0 (as scoring) to 19 (only what scoring leaves: under full load the archive falls behind, within --archive-max-backlog, and catches up after). Env: STREAMIFY_ARCHIVE_NICE")
    var nice: Int32 = environment("STREAMIFY_ARCHIVE_NICE").flatMap { Int32($0) } ?? ArchiveConfiguration(databasePath: "").niceness

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
        guard (0...19).contains(nice) else {
            throw ServerOptions.InvalidOption(description: "--archive-nice must be 0 to 19, got \(nice)")
        }
        configuration.alertLevel = level
        configuration.niceness = nice
        configuration.backlogLimitBytes = maxBacklog
        return configuration
    }
}
