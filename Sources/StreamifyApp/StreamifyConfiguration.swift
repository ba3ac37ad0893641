import Archive
import DashboardDoor
import KafkaDoor
import ScoringEngine
import ScoringModel
import SocketDoor
import StateStore

/// Everything the whole server is configured with: the engine, its lifecycle, and each door.
///
/// `scoring-server` maps its command line and environment onto this; tests start from the
/// defaults (`StreamifyConfiguration()`), set what differs, and hand it to
/// `buildApplication(configuration:logger:registry:)`.
public struct StreamifyConfiguration: Sendable {
    /// State-table sizes, TTLs, outcome and learning settings.
    public var engine = EngineConfiguration()
    /// Where the engine's state is kept across restarts; `nil` keeps it in memory only.
    public var stateDirectory: String?
    /// With a state directory: when journal records are forced to the disk.
    public var fsyncPolicy = FsyncPolicy.interval
    /// The model served at start.
    public var model = RiskModel.builtIn
    /// Housekeeping cadence, the model file reloaded on SIGHUP, the learned-model snapshot.
    public var engineService = EngineService.Configuration()
    /// The socket door: Unix socket, TCP and metrics listeners.
    public var socket = SocketDoorConfiguration()
    /// The Kafka door; `nil` when it is off.
    public var kafka: KafkaDoorConfiguration?
    /// With the embedded Kafka cluster: synthetic transactions per second fed into its input topic.
    public var kafkaDemoRate = 0

    /// The HTTP door (dashboard, JSON API, demo load); `nil` when it is off.
    public var dashboard: DashboardConfiguration?

    /// The archive of every decision and label (`--archive`); `nil` when it is off.
    public var archive: ArchiveConfiguration?

    /// The embedded defaults: the built-in model, both socket listeners, no Kafka.
    public init() {}
}
