/// Published by the Kafka sidecar for each transaction scored at or above its alert level.
public struct FraudAlert: Sendable, Hashable {
    public var transaction: Transaction
    public var breakdown: RiskBreakdown
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    /// Wall-clock Unix epoch milliseconds when it was scored.
    public var scoredTimeMs: Int64

    public init(
        transaction: Transaction,
        breakdown: RiskBreakdown,
        sourceTopic: String,
        sourcePartition: Int32,
        sourceOffset: Int64,
        scoredTimeMs: Int64
    ) {
        self.transaction = transaction
        self.breakdown = breakdown
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.scoredTimeMs = scoredTimeMs
    }
}
