import ScoringModel

/// What `--archive` sets: where the warehouse and the decision log live, and their bounds.
public struct ArchiveConfiguration: Sendable {
    /// The SQLite file of the warehouse.
    public var databasePath: String
    /// The decision log's directory; by default beside the database, named after it.
    public var logDirectory: String
    /// The lowest level written to `fraud_alerts`.
    public var alertLevel = RiskLevel.medium
    /// How far the archive may fall behind, in log bytes, before decisions are shed.
    public var backlogLimitBytes = 1 << 30
    /// A log segment is closed, and removable once archived, past this size.
    public var segmentBytes = 64 << 20
    /// Records archived per SQLite transaction at most (`defaultBatchRecords`).
    public var batchRecords = Self.defaultBatchRecords

    /// Large, because each transaction rewrites every index page it touched: catching up on 1M
    /// decisions, batches of 100,000 took 22 % less CPU than batches of 10,000 (docs/archive.md).
    /// Under a light load a batch is whatever is there.
    public static let defaultBatchRecords = 100_000
    /// How the archive thread shares the CPU with scoring. By default it yields: under full load
    /// scoring keeps the CPU and the archive falls behind, within `backlogLimitBytes`, catching up
    /// when the load eases.
    public var priority = ArchivePriority.idle
    /// At idle priority, how long the archive may hold back in a row while the machine's CPUs
    /// are saturated (`ArchiveDeferral`): how stale the warehouse may get under a burst. Zero:
    /// it never holds back beyond what `SCHED_IDLE` does.
    public var maximumDeferral = Duration.seconds(10)

    /// An archive at `databasePath`, its log in `databasePath` + `.log`.
    public init(databasePath: String) {
        self.databasePath = databasePath
        self.logDirectory = databasePath + ".log"
    }
}
