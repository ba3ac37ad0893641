import ArgumentParser

/// `streamify-admin`: the warehouse's scheduled jobs, for cron, systemd timers or Airflow.
///
/// Exit codes, the same for every job: 0 all is well; 1 the job ran and found a problem (an
/// unhealthy archive, failed quality checks, critical alerts over the threshold); 2 the job
/// could not run (no archive at the path, an unreadable file, a bad argument); 64 a usage error.
@main
struct StreamifyAdmin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streamify-admin",
        abstract: "Scheduled jobs on the archive scoring-server --archive keeps.",
        discussion: """
            Exit codes: 0 all is well; 1 the job found a problem; 2 the job could not run; 64 a usage error.
            Windows are in event time, ending at the newest archived transaction: a replayed archive gives the same answers.
            """,
        subcommands: [
            HealthCommand.self, ReportCommand.self, QualityCheckCommand.self, MonitorCommand.self, RetentionCommand.self,
            ExportCommand.self, TrainingSetCommand.self,
        ])
}
