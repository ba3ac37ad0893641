/// Published by the Kafka sidecar for each transaction scored at or above its alert level.
public struct FraudAlert: Sendable, Hashable {
    /// The transaction as it was read from the input topic.
    public var transaction: Transaction
    /// The daemon's decision on it.
    public var breakdown: RiskBreakdown
    /// The input topic the transaction was read from.
    public var sourceTopic: String
    /// The partition of `sourceTopic` it was read from.
    public var sourcePartition: Int32
    /// Its offset in that partition.
    public var sourceOffset: Int64
    /// Wall-clock Unix epoch milliseconds when it was scored.
    public var scoredTimeMs: Int64

    /// Creates a value with every field given.
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
