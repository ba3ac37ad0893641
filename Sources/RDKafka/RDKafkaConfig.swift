import CRdKafka

/// Builds an `rd_kafka_conf_t` from key/value settings; ownership passes to the handle it creates.
package enum RDKafkaConfig {
    /// Creates a configuration object holding `settings`, or throws naming the bad setting.
    package static func make(_ settings: [(String, String)]) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in settings {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let message = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw KafkaError(code: result.rawValue, message: "setting \(key)=\(value): \(message)")
            }
        }
        return conf
    }

    /// Creates a client handle of `type` from `conf`, which it then owns.
    package static func newHandle(_ type: rd_kafka_type_t, _ conf: OpaquePointer) throws(KafkaError) -> OpaquePointer {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let message = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: -1, message: "rd_kafka_new: \(message)")
        }
        return handle
    }
}
