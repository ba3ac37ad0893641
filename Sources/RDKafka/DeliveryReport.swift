import CRdKafka

/// One delivery report: the broker acknowledged a produced message, or librdkafka gave up on it.
///
/// Valid only inside the closure it is passed to (it points into a librdkafka event).
package struct DeliveryReport {
    package let message: UnsafePointer<rd_kafka_message_t>

    /// `RD_KAFKA_RESP_ERR_NO_ERROR` when the broker has the message.
    package var error: rd_kafka_resp_err_t { message.pointee.err }
    package var succeeded: Bool { message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR }
    /// The per-message context given to `produce`.
    package var opaque: UInt64 { UInt64(UInt(bitPattern: message.pointee._private)) }
    package var topicHandle: OpaquePointer? { message.pointee.rkt }
    /// The partition the message was produced to (chosen by the partitioner when not given).
    package var partition: Int32 { message.pointee.partition }
    package var key: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: message.pointee.key, count: message.pointee.key_len) }
    package var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len)
    }
    package var errorText: String { String(cString: rd_kafka_err2str(message.pointee.err)) }
}
