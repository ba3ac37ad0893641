import CProtobufC
import CStreamifyProto

/// Field numbers of the `streamify.v1` messages, looked up by name in the descriptors protobuf-c
/// generated from `proto/streamify/v1/scoring.proto`.
///
/// Code that walks the wire format itself (`RequestPeek`, the client's `ResponseSummary(wire:)`,
/// loadgen's `DeadlineStamp`) reads its numbers here instead of copying them by hand, so the proto
/// stays their one source; a field renamed or removed there stops the process at first use, by
/// name, instead of misreading answers. Read once; copy the struct into a local before a loop.
package enum WireFieldNumbers {
    /// `Request`.
    package struct Request: Sendable {
        package let requestID: UInt64
        package let score: UInt64
        package let scoreBatch: UInt64
        package let deadlineMs: UInt64
        package let explain: UInt64
        /// `TransactionBatch.transactions`.
        package let batchTransactions: UInt64
        /// The members of the `body` oneof, bit `n` for field number `n`.
        package let bodyMembers: UInt64
    }

    /// `Response`, and the messages inside it that a summary reads (a breakdown's own: `Breakdown`).
    package struct Response: Sendable {
        package let requestID: UInt64
        package let breakdown: UInt64
        package let breakdownBatch: UInt64
        package let ack: UInt64
        package let pong: UInt64
        package let error: UInt64
        package let authenticated: UInt64
        /// `BreakdownBatch.items`.
        package let batchItems: UInt64
        /// `BatchItem.breakdown` and `.error`.
        package let itemBreakdown: UInt64
        package let itemError: UInt64
        /// `Error.code`.
        package let errorCode: UInt64
    }

    /// `RiskBreakdown` and the `FactorScore`s inside it: what the socket door's
    /// `BreakdownFrameWriter` writes by hand and the client's summary reads.
    package struct Breakdown: Sendable {
        package let transactionID: UInt64
        package let riskScore: UInt64
        package let level: UInt64
        package let factors: UInt64
        package let modelVersion: UInt64
        package let serverTime: UInt64
        /// `FactorScore.factor`, `.score`, `.weight`, `.contribution` and `.reason`.
        package let factor: UInt64
        package let score: UInt64
        package let weight: UInt64
        package let contribution: UInt64
        package let reason: UInt64
    }

    /// `Request`'s numbers.
    package static let request = Request(
        requestID: number("request_id", in: streamify__v1__request__descriptor),
        score: number("score", in: streamify__v1__request__descriptor),
        scoreBatch: number("score_batch", in: streamify__v1__request__descriptor),
        deadlineMs: number("deadline_ms", in: streamify__v1__request__descriptor),
        explain: number("explain", in: streamify__v1__request__descriptor),
        batchTransactions: number("transactions", in: streamify__v1__transaction_batch__descriptor),
        bodyMembers: oneofMembers(sharingWith: "score", in: streamify__v1__request__descriptor))

    /// `Response`'s numbers.
    package static let response = Response(
        requestID: number("request_id", in: streamify__v1__response__descriptor),
        breakdown: number("breakdown", in: streamify__v1__response__descriptor),
        breakdownBatch: number("breakdown_batch", in: streamify__v1__response__descriptor),
        ack: number("ack", in: streamify__v1__response__descriptor),
        pong: number("pong", in: streamify__v1__response__descriptor),
        error: number("error", in: streamify__v1__response__descriptor),
        authenticated: number("authenticated", in: streamify__v1__response__descriptor),
        batchItems: number("items", in: streamify__v1__breakdown_batch__descriptor),
        itemBreakdown: number("breakdown", in: streamify__v1__batch_item__descriptor),
        itemError: number("error", in: streamify__v1__batch_item__descriptor),
        errorCode: number("code", in: streamify__v1__error__descriptor))

    /// `RiskBreakdown`'s and `FactorScore`'s numbers.
    package static let breakdown = Breakdown(
        transactionID: number("transaction_id", in: streamify__v1__risk_breakdown__descriptor),
        riskScore: number("risk_score", in: streamify__v1__risk_breakdown__descriptor),
        level: number("level", in: streamify__v1__risk_breakdown__descriptor),
        factors: number("factors", in: streamify__v1__risk_breakdown__descriptor),
        modelVersion: number("model_version", in: streamify__v1__risk_breakdown__descriptor),
        serverTime: number("server_time_us", in: streamify__v1__risk_breakdown__descriptor),
        factor: number("factor", in: streamify__v1__factor_score__descriptor),
        score: number("score", in: streamify__v1__factor_score__descriptor),
        weight: number("weight", in: streamify__v1__factor_score__descriptor),
        contribution: number("contribution", in: streamify__v1__factor_score__descriptor),
        reason: number("reason", in: streamify__v1__factor_score__descriptor))

    /// The fields of the oneof that holds the field called `name` in `descriptor`, bit `n` set for
    /// field number `n` (protobuf-c gives a oneof's members one case offset).
    package static func oneofMembers(sharingWith name: String, in descriptor: ProtobufCMessageDescriptor) -> UInt64 {
        withUnsafePointer(to: descriptor) { descriptor in
            guard let member = protobuf_c_message_descriptor_get_field_by_name(descriptor, name),
                member.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
            else {
                fatalError("streamify.v1: no oneof field \(name) in \(String(cString: descriptor.pointee.name))")
            }
            var mask: UInt64 = 0
            for field in UnsafeBufferPointer(start: descriptor.pointee.fields, count: Int(descriptor.pointee.n_fields))
            where field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
                && field.quantifier_offset == member.pointee.quantifier_offset
            {
                precondition(field.id < UInt64.bitWidth, "streamify.v1: oneof member \(field.id) does not fit the mask")
                mask |= 1 << UInt64(field.id)
            }
            return mask
        }
    }

    /// The number of the field called `name` in `descriptor`.
    package static func number(_ name: String, in descriptor: ProtobufCMessageDescriptor) -> UInt64 {
        withUnsafePointer(to: descriptor) { descriptor in
            guard let field = protobuf_c_message_descriptor_get_field_by_name(descriptor, name) else {
                fatalError("streamify.v1: no field \(name) in \(String(cString: descriptor.pointee.name))")
            }
            return UInt64(field.pointee.id)
        }
    }
}
