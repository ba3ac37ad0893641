import Foundation

/// The value published on the dead-letter topic for an input that could not be scored.
///
/// The original value is kept byte for byte in `value_base64`, up to `maximumValueBytes`: a
/// longer one is cut there (`value_truncated`, its whole length in `value_bytes`; the source
/// topic, partition and offset find it whole), so that the dead letter fits a Kafka message
/// unless the record's key, which is the input's key copied whole, is itself near the limit.
public struct DeadLetterJSON: Codable, Sendable, Equatable {
    /// Why the input could not be scored (the `WireError` message).
    public var error: String
    /// The offending field, or empty when there is none.
    public var field: String
    /// The topic the input was read from.
    public var sourceTopic: String
    /// The partition it was read from.
    public var sourcePartition: Int32
    /// Its offset in that partition.
    public var sourceOffset: Int64
    /// The input's value, byte for byte, in base64: the first `maximumValueBytes` of it.
    public var valueBase64: String
    /// The whole value's length in bytes.
    public var valueBytes: Int
    /// Whether `valueBase64` holds only the start of the value.
    public var valueTruncated: Bool

    /// The most bytes of an input's value a dead letter carries: 256 KiB, 342 KiB as base64,
    /// well inside librdkafka's default `message.max.bytes` of 1,000,000.
    public static let maximumValueBytes = 256 * 1024

    /// A dead letter for `value`, cut to `maximumValueBytes`.
    public init(error: String, field: String, sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, value: some Collection<UInt8>) {
        self.error = error
        self.field = field
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.valueBase64 = Data(value.prefix(Self.maximumValueBytes)).base64EncodedString()
        self.valueBytes = value.count
        self.valueTruncated = value.count > Self.maximumValueBytes
    }

    enum CodingKeys: String, CodingKey {
        case error, field
        case sourceTopic = "source_topic"
        case sourcePartition = "source_partition"
        case sourceOffset = "source_offset"
        case valueBase64 = "value_base64"
        case valueBytes = "value_bytes"
        case valueTruncated = "value_truncated"
    }
}
