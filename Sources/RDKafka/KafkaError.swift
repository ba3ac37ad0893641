import CRdKafka

/// A librdkafka failure: its error code and text.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// The `rd_kafka_resp_err_t` value (negative numbers are librdkafka-local errors).
    public var code: Int32
    /// What failed: librdkafka's text, prefixed with the operation when known.
    public var message: String

    /// Creates a value with every field given.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    package init(_ error: rd_kafka_resp_err_t, context: String = "") {
        let text = String(cString: rd_kafka_err2str(error))
        self.init(code: error.rawValue, message: context.isEmpty ? text : "\(context): \(text)")
    }

    public var description: String { "Kafka error \(code): \(message)" }
}
