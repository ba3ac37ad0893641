import CProtobufC
import CStreamifyProto

extension Response {
    /// Reads a decoded protobuf-c response.
    public init(protobufC c: UnsafePointer<Streamify__V1__Response>) {
        let m = c.pointee
        let body: Body?
        switch m.body_case {
        case STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN:
            body = m.breakdown.map { .breakdown(RiskBreakdown(protobufC: $0)) }
        case STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN_BATCH:
            body = m.breakdown_batch.map { batch in
                .breakdownBatch(
                    (0..<batch.pointee.n_items).compactMap { index -> BatchItem? in
                        guard let item = batch.pointee.items[index]?.pointee else { return nil }
                        switch item.result_case {
                        case STREAMIFY__V1__BATCH_ITEM__RESULT_BREAKDOWN:
                            return item.breakdown.map { .breakdown(RiskBreakdown(protobufC: $0)) }
                        case STREAMIFY__V1__BATCH_ITEM__RESULT_ERROR:
                            return item.error.map { .error(WireError(protobufC: $0)) }
                        default:
                            return .error(WireError(code: .malformed, message: "batch item without a result"))
                        }
                    }
                )
            }
        case STREAMIFY__V1__RESPONSE__BODY_ACK:
            body = .ack(m.ack.flatMap { LabelOutcome(rawValue: Int32($0.pointee.outcome.rawValue)) } ?? .unspecified)
        case STREAMIFY__V1__RESPONSE__BODY_PONG:
            body = m.pong.map { pong in
                .pong(
                    Pong(
                        version: String(protobufC: pong.pointee.version),
                        modelVersion: String(protobufC: pong.pointee.model_version),
                        cardsTracked: pong.pointee.cards_tracked
                    )
                )
            }
        case STREAMIFY__V1__RESPONSE__BODY_ERROR:
            body = m.error.map { .error(WireError(protobufC: $0)) }
        case STREAMIFY__V1__RESPONSE__BODY_AUTHENTICATED:
            body = m.authenticated.map { .authenticated(mayLabel: $0.pointee.may_label != 0) }
        default:
            body = nil
        }
        self.init(requestID: m.request_id, body: body)
    }

    /// Builds the protobuf-c form of this response inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Response> {
        let c = arena.make(Streamify__V1__Response.self)
        streamify__v1__response__init(c)
        c.pointee.request_id = requestID
        switch body {
        case .breakdown(let breakdown):
            c.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN
            c.pointee.breakdown = breakdown.protobufC(in: arena)
        case .breakdownBatch(let items):
            let batch = arena.make(Streamify__V1__BreakdownBatch.self)
            streamify__v1__breakdown_batch__init(batch)
            let array = arena.makePointerArray(of: Streamify__V1__BatchItem.self, count: items.count)
            for (index, item) in items.enumerated() {
                let cItem = arena.make(Streamify__V1__BatchItem.self)
                streamify__v1__batch_item__init(cItem)
                switch item {
                case .breakdown(let breakdown):
                    cItem.pointee.result_case = STREAMIFY__V1__BATCH_ITEM__RESULT_BREAKDOWN
                    cItem.pointee.breakdown = breakdown.protobufC(in: arena)
                case .error(let error):
                    cItem.pointee.result_case = STREAMIFY__V1__BATCH_ITEM__RESULT_ERROR
                    cItem.pointee.error = error.protobufC(in: arena)
                }
                array[index] = cItem
            }
            batch.pointee.n_items = items.count
            batch.pointee.items = array
            c.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN_BATCH
            c.pointee.breakdown_batch = batch
        case .ack(let outcome):
            let ack = arena.make(Streamify__V1__Ack.self)
            streamify__v1__ack__init(ack)
            ack.pointee.outcome = Streamify__V1__LabelOutcome(rawValue: .init(truncatingIfNeeded: outcome.rawValue))
            c.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_ACK
            c.pointee.ack = ack
        case .pong(let pong):
            let cPong = arena.make(Streamify__V1__Pong.self)
            streamify__v1__pong__init(cPong)
            cPong.pointee.version = arena.copy(pong.version)
            cPong.pointee.model_version = arena.copy(pong.modelVersion)
            cPong.pointee.cards_tracked = pong.cardsTracked
            c.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_PONG
            c.pointee.pong = cPong
        case .error(let error):
            c.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_ERROR
            c.pointee.error = error.protobufC(in: arena)
        case .authenticated(let mayLabel):
            let authenticated = arena.make(Streamify__V1__Authenticated.self)
            streamify__v1__authenticated__init(authenticated)
            authenticated.pointee.may_label = mayLabel ? 1 : 0
            c.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_AUTHENTICATED
            c.pointee.authenticated = authenticated
        case nil:
            break
        }
        return c
    }
}

extension Response: WireMessage {
    /// The full protobuf name, for errors.
    public static let protoName = "streamify.v1.Response"
    /// The generated `streamify__v1__response__unpack`.
    public static let unpacker: WireMessageUnpacker<Streamify__V1__Response> = streamify__v1__response__unpack
}
