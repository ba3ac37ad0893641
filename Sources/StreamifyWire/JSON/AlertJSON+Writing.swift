import CProtobufC
import CStreamifyProto

extension AlertJSON {
    /// Writes the JSON form of `alert` into `json`, read straight from its protobuf-c form: the
    /// fields of `AlertJSON(alert:)`, keys sorted as `JSONEncoder` with `.sortedKeys` writes
    /// them, without building Swift strings or running an encoder. `null` when the alert lacks
    /// its transaction or its breakdown.
    public static func write(alert: UnsafePointer<Streamify__V1__FraudAlert>, to json: inout JSONBuffer) {
        let m = alert.pointee
        guard let transaction = m.transaction, let breakdown = m.breakdown else { return json.append("null") }
        write(
            transaction: transaction, breakdown: breakdown,
            source: Source(topic: m.source_topic, partition: m.source_partition, offset: m.source_offset, scoredTimeMs: m.scored_time_ms),
            to: &json)
    }

    /// Writes the JSON form of a score record (an alert without its source fields) into `json`.
    public static func write(
        breakdown: UnsafePointer<Streamify__V1__RiskBreakdown>, of transaction: UnsafePointer<Streamify__V1__Transaction>,
        to json: inout JSONBuffer
    ) {
        write(transaction: transaction, breakdown: breakdown, source: nil, to: &json)
    }

    /// Where an alert's transaction came from, and when it was scored.
    private struct Source {
        var topic: UnsafeMutablePointer<CChar>?
        var partition: Int32
        var offset: Int64
        var scoredTimeMs: Int64
    }

    private static func write(
        transaction: UnsafePointer<Streamify__V1__Transaction>, breakdown: UnsafePointer<Streamify__V1__RiskBreakdown>,
        source: Source?, to json: inout JSONBuffer
    ) {
        let t = transaction.pointee
        let b = breakdown.pointee
        json.append(#"{"amount":"#)
        json.append(Double(t.amount_minor) / 100)
        json.append(#","card_id":"#)
        json.appendQuoted(utf8: bytes(of: t.card_id))
        json.append(#","currency":"#)
        let currency = bytes(of: t.currency)
        if currency.isEmpty { json.append(#""USD""#) } else { json.appendQuoted(utf8: currency) }
        json.append(#","event_time_ms":"#)
        json.append(t.event_time_ms)
        json.append(#","factors":["#)
        for index in 0..<b.n_factors {
            guard let factor = b.factors[index]?.pointee else { continue }
            if index > 0 { json.append(",") }
            json.append(#"{"contribution":"#)
            json.append(factor.contribution)
            json.append(#","factor":"#)
            json.appendQuoted(name(Factor(rawValue: Int32(truncatingIfNeeded: factor.factor.rawValue)) ?? .unspecified))
            json.append(#","reason":"#)
            json.appendQuoted(utf8: bytes(of: factor.reason))
            json.append(#","score":"#)
            json.append(factor.score)
            json.append(#","weight":"#)
            json.append(factor.weight)
            json.append("}")
        }
        json.append(#"],"level":"#)
        json.appendQuoted(name(AlertLevel(rawValue: Int32(truncatingIfNeeded: b.level.rawValue)) ?? .unspecified))
        json.append(#","merchant_id":"#)
        json.appendQuoted(utf8: bytes(of: t.merchant_id))
        json.append(#","model_version":"#)
        json.appendQuoted(utf8: bytes(of: b.model_version))
        json.append(#","risk_score":"#)
        json.append(b.risk_score)
        if let source {
            json.append(#","scored_time_ms":"#)
            json.append(source.scoredTimeMs)
            json.append(#","source_offset":"#)
            json.append(source.offset)
            json.append(#","source_partition":"#)
            json.append(Int64(source.partition))
            json.append(#","source_topic":"#)
            json.appendQuoted(utf8: bytes(of: source.topic))
        }
        json.append(#","transaction_id":"#)
        json.appendQuoted(utf8: bytes(of: t.transaction_id))
        json.append("}")
    }
}
