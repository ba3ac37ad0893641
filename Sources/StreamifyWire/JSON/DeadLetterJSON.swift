/// The value published on the dead-letter topic for an input that could not be scored.
///
/// The original value is kept byte for byte in `value_base64`; the record's key is the input's key.
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
    /// The input's value, byte for byte, in base64.
    public var valueBase64: String

    /// Creates a value with every field given.
    public init(error: String, field: String, sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, valueBase64: String) {
        self.error = error
        self.field = field
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.valueBase64 = valueBase64
    }

    enum CodingKeys: String, CodingKey {
        case error, field
        case sourceTopic = "source_topic"
        case sourcePartition = "source_partition"
        case sourceOffset = "source_offset"
        case valueBase64 = "value_base64"
    }
}
