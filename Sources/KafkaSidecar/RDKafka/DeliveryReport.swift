import CRdKafka

/// One delivery report: the broker acknowledged a produced message, or librdkafka gave up on it.
///
/// Valid only inside the closure it is passed to (it points into a librdkafka event).
struct DeliveryReport {
    let message: UnsafePointer<rd_kafka_message_t>

    /// `RD_KAFKA_RESP_ERR_NO_ERROR` when the broker has the message.
    var error: rd_kafka_resp_err_t { message.pointee.err }
    var succeeded: Bool { message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR }
    /// The per-message context given to `produce`.
    var opaque: UInt64 { UInt64(UInt(bitPattern: message.pointee._private)) }
    var topicHandle: OpaquePointer? { message.pointee.rkt }
    var key: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: message.pointee.key, count: message.pointee.key_len) }
    var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len)
    }
    var errorText: String { String(cString: rd_kafka_err2str(message.pointee.err)) }
}
