import CProtobufC
import CStreamifyProto

extension Request {
    /// Reads a decoded protobuf-c request (an `explain` this build does not know reads as `.all`;
    /// the server refuses it).
    public init(protobufC c: UnsafePointer<Streamify__V1__Request>) {
        let m = c.pointee
        let body: Body?
        switch m.body_case {
        case STREAMIFY__V1__REQUEST__BODY_SCORE:
            body = m.score.map { .score(Transaction(protobufC: $0)) }
        case STREAMIFY__V1__REQUEST__BODY_SCORE_BATCH:
            body = m.score_batch.map { batch in
                .scoreBatch(
                    (0..<batch.pointee.n_transactions).compactMap { index in
                        batch.pointee.transactions[index].map { Transaction(protobufC: $0) }
                    }
                )
            }
        case STREAMIFY__V1__REQUEST__BODY_FEEDBACK:
            body = m.feedback.map { .feedback(Feedback(protobufC: $0)) }
        case STREAMIFY__V1__REQUEST__BODY_PING:
            body = .ping
        case STREAMIFY__V1__REQUEST__BODY_AUTHENTICATE:
            body = m.authenticate.map { .authenticate(token: String(protobufC: $0.pointee.token)) }
        default:
            body = nil
        }
        self.init(
            requestID: m.request_id, body: body, deadlineMs: m.deadline_ms,
            explain: Explain(rawValue: Int32(bitPattern: m.explain.rawValue)) ?? .all)
    }

    /// Builds the protobuf-c form of this request inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Request> {
        let c = arena.make(Streamify__V1__Request.self)
        streamify__v1__request__init(c)
        c.pointee.request_id = requestID
        c.pointee.deadline_ms = deadlineMs
        c.pointee.explain = Streamify__V1__Explain(rawValue: .init(truncatingIfNeeded: explain.rawValue))
        switch body {
        case .score(let transaction):
            c.pointee.body_case = STREAMIFY__V1__REQUEST__BODY_SCORE
            c.pointee.score = transaction.protobufC(in: arena)
        case .scoreBatch(let transactions):
            let batch = arena.make(Streamify__V1__TransactionBatch.self)
            streamify__v1__transaction_batch__init(batch)
            let array = arena.makePointerArray(of: Streamify__V1__Transaction.self, count: transactions.count)
            for (index, transaction) in transactions.enumerated() {
                array[index] = transaction.protobufC(in: arena)
            }
            batch.pointee.n_transactions = transactions.count
            batch.pointee.transactions = array
            c.pointee.body_case = STREAMIFY__V1__REQUEST__BODY_SCORE_BATCH
            c.pointee.score_batch = batch
        case .feedback(let feedback):
            c.pointee.body_case = STREAMIFY__V1__REQUEST__BODY_FEEDBACK
            c.pointee.feedback = feedback.protobufC(in: arena)
        case .ping:
            let ping = arena.make(Streamify__V1__Ping.self)
            streamify__v1__ping__init(ping)
            c.pointee.body_case = STREAMIFY__V1__REQUEST__BODY_PING
            c.pointee.ping = ping
        case .authenticate(let token):
            let authenticate = arena.make(Streamify__V1__Authenticate.self)
            streamify__v1__authenticate__init(authenticate)
            authenticate.pointee.token = arena.copyBinary(token)
            c.pointee.body_case = STREAMIFY__V1__REQUEST__BODY_AUTHENTICATE
            c.pointee.authenticate = authenticate
        case nil:
            break
        }
        return c
    }
}

extension Request: WireMessage {
    /// The full protobuf name, for errors.
    public static let protoName = "streamify.v1.Request"
    /// The generated `streamify__v1__request__unpack`.
    public static let unpacker: WireMessageUnpacker<Streamify__V1__Request> = streamify__v1__request__unpack
}
