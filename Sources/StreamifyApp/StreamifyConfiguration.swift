import KafkaDoor
import SocketDoor
import ScoringEngine
import ScoringModel

/// Everything the whole server is configured with: the engine, its lifecycle, and each door.
///
/// `scoring-server` maps its command line and environment onto this; tests build one directly
/// and hand it to `buildApplication(configuration:logger:registry:)`.
public struct StreamifyConfiguration: Sendable {
    /// State-table sizes, TTLs, outcome and learning settings.
    public var engine: EngineConfiguration
    /// The model served at start.
    public var model: RiskModel
    /// Housekeeping cadence, the model file reloaded on SIGHUP, the learned-model snapshot.
    public var engineService: EngineService.Configuration
    /// The socket door: Unix socket, TCP and metrics listeners.
    public var socket: SocketDoorConfiguration
    /// The Kafka door; `nil` when it is off.
    public var kafka: KafkaDoorConfiguration?
    /// With the embedded Kafka cluster: synthetic transactions per second fed into its input topic.
    public var kafkaDemoRate: Int

    public init(
        engine: EngineConfiguration = EngineConfiguration(),
        model: RiskModel = .builtIn,
        engineService: EngineService.Configuration = EngineService.Configuration(),
        socket: SocketDoorConfiguration = SocketDoorConfiguration(),
        kafka: KafkaDoorConfiguration? = nil,
        kafkaDemoRate: Int = 0
    ) {
        self.engine = engine
        self.model = model
        self.engineService = engineService
        self.socket = socket
        self.kafka = kafka
        self.kafkaDemoRate = kafkaDemoRate
    }
}
