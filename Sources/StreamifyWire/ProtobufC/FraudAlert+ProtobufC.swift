import CProtobufC
import CStreamifyProto

extension FraudAlert {
    /// Reads a decoded protobuf-c alert; `nil` when it lacks its transaction or its breakdown.
    public init?(protobufC c: UnsafePointer<Streamify__V1__FraudAlert>) {
        let m = c.pointee
        guard let transaction = m.transaction, let breakdown = m.breakdown else { return nil }
        self.init(
            transaction: Transaction(protobufC: transaction),
            breakdown: RiskBreakdown(protobufC: breakdown),
            sourceTopic: String(protobufC: m.source_topic),
            sourcePartition: m.source_partition,
            sourceOffset: m.source_offset,
            scoredTimeMs: m.scored_time_ms
        )
    }

    /// Builds the protobuf-c form of this alert, transaction and breakdown included, inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__FraudAlert> {
        Self.protobufC(
            transaction: transaction.protobufC(in: arena), breakdown: breakdown.protobufC(in: arena),
            sourceTopic: sourceTopic, sourcePartition: sourcePartition, sourceOffset: sourceOffset,
            scoredTimeMs: scoredTimeMs, in: arena)
    }

    /// Builds an alert inside `arena` around a transaction and a breakdown that are already in
    /// protobuf-c form (referenced, not copied): what the Kafka door publishes.
    public static func protobufC(
        transaction: UnsafeMutablePointer<Streamify__V1__Transaction>,
        breakdown: UnsafeMutablePointer<Streamify__V1__RiskBreakdown>,
        sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, scoredTimeMs: Int64,
        in arena: MessageArena
    ) -> UnsafeMutablePointer<Streamify__V1__FraudAlert> {
        let c = arena.make(Streamify__V1__FraudAlert.self)
        streamify__v1__fraud_alert__init(c)
        c.pointee.transaction = transaction
        c.pointee.breakdown = breakdown
        c.pointee.source_topic = arena.copy(sourceTopic)
        c.pointee.source_partition = sourcePartition
        c.pointee.source_offset = sourceOffset
        c.pointee.scored_time_ms = scoredTimeMs
        return c
    }
}

extension FraudAlert: WireMessage {
    /// The full protobuf name, for errors.
    public static let protoName = "streamify.v1.FraudAlert"
    /// The generated `streamify__v1__fraud_alert__unpack`.
    public static let unpacker: WireMessageUnpacker<Streamify__V1__FraudAlert> = streamify__v1__fraud_alert__unpack
}
