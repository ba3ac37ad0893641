/// The value published on the dead-letter topic for an input that could not be scored.
///
/// The original value is kept byte for byte in `value_base64`; the record's key is the input's key.
public struct DeadLetterJSON: Codable, Sendable, Equatable {
    public var error: String
    public var field: String
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    public var valueBase64: String

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
