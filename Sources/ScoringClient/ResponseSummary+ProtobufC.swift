import CProtobufC
import CStreamifyProto
import StreamifyWire

extension ResponseSummary {
    /// Reads only ids, codes, scores and levels out of a decoded protobuf-c response.
    init(protobufC c: UnsafePointer<Streamify__V1__Response>) {
        let m = c.pointee
        switch m.body_case {
        case STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN:
            if let breakdown = m.breakdown {
                self.init(requestID: m.request_id, kind: .breakdown, items: [Item(breakdown)])
            } else {
                self.init(requestID: m.request_id, kind: .empty)
            }
        case STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN_BATCH:
            var items: [Item] = []
            if let batch = m.breakdown_batch {
                let count = batch.pointee.n_items
                items.reserveCapacity(count)
                for index in 0..<count {
                    guard let item = batch.pointee.items[index] else { continue }
                    switch item.pointee.result_case {
                    case STREAMIFY__V1__BATCH_ITEM__RESULT_BREAKDOWN:
                        if let breakdown = item.pointee.breakdown { items.append(Item(breakdown)) }
                    case STREAMIFY__V1__BATCH_ITEM__RESULT_ERROR:
                        items.append(Item(riskScore: 0, level: .unspecified, errorCode: Self.code(item.pointee.error)))
                    default:
                        items.append(Item(riskScore: 0, level: .unspecified, errorCode: .malformed))
                    }
                }
            }
            self.init(requestID: m.request_id, kind: .breakdownBatch, items: items)
        case STREAMIFY__V1__RESPONSE__BODY_ACK:
            self.init(requestID: m.request_id, kind: .ack)
        case STREAMIFY__V1__RESPONSE__BODY_PONG:
            self.init(requestID: m.request_id, kind: .pong)
        case STREAMIFY__V1__RESPONSE__BODY_ERROR:
            self.init(requestID: m.request_id, kind: .error(Self.code(m.error)))
        default:
            self.init(requestID: m.request_id, kind: .empty)
        }
    }

    private static func code(_ error: UnsafeMutablePointer<Streamify__V1__Error>?) -> ErrorCode {
        guard let error else { return .unspecified }
        return ErrorCode(rawValue: Int32(truncatingIfNeeded: error.pointee.code.rawValue)) ?? .unspecified
    }
}

extension ResponseSummary.Item {
    init(_ breakdown: UnsafeMutablePointer<Streamify__V1__RiskBreakdown>) {
        let b = breakdown.pointee
        self.init(
            riskScore: b.risk_score,
            level: AlertLevel(rawValue: Int32(truncatingIfNeeded: b.level.rawValue)) ?? .unspecified,
            errorCode: nil,
            serverTimeMicroseconds: b.server_time_us
        )
    }
}
