import CProtobufC
import CStreamifyProto
import NIOCore
import ScoringModel
import ScoringEngine
import StreamifyWire

/// Turns one request frame into one response frame, synchronously: decode, validate, score, encode.
///
/// This is the daemon's hot path. It decodes straight from the frame's bytes into a reusable
/// arena (scoring requests by `BorrowingDecoder`, whose strings stay in the frame; the rest by
/// protobuf-c) and keys the state tables straight from the decoded bytes. Scored
/// transactions' answers, alone or in a batch, are encoded by hand straight into the outbound
/// buffer (`BreakdownFrameWriter`); errors and every other answer are built as protobuf-c structs
/// in an arena and packed into it. After warm-up a single transaction costs no heap allocation
/// here.
///
/// One per connection; not thread-safe.
public final class FrameProcessor {
    /// The daemon's version, reported in `Pong`.
    public static let serverVersion = "streamify-scoring 0.1.0"

    /// The scoring API this processor answers with.
    public let service: ScoringService
    private var engine: RiskEngine { service.engine }
    private let maximumBatchSize: Int
    /// Sized so a 100-transaction batch decodes without an overflow chunk.
    private let input = MessageArena(capacity: 32 * 1024)
    private let output = MessageArena(capacity: 32 * 1024)
    private let breakdownFrames = BreakdownFrameWriter()
    /// The items of a batch's answer while it is scored; kept, so its memory is reused.
    private var batchItems = ByteBufferAllocator().buffer(capacity: 0)
    /// Collected and reset by the handler once per read burst.
    public var counters = ScoringCounters()

    /// Who may label, and the token that grants it.
    private let labelPolicy: LabelPolicy
    /// Whether this connection holds the label role: set from the peer's credentials when it
    /// opens (`LabelPolicy.mayLabel(_:)`), or by a valid `authenticate`. Feedback without it is
    /// answered UNAUTHENTICATED.
    public var mayLabel: Bool
    /// Sheds scoring requests while the event loop runs further behind than `--max-queue-delay`;
    /// nil: everything is scored, however late.
    var admission: QueueDelayAdmission?
    /// How long before its `deadline_ms` a request is already refused DEADLINE_EXCEEDED: the
    /// longest its answer may still take once scored. The socket door sets it to the longest an
    /// answer is held for the rest of its read burst (`ScoringHandler.maxAnswerHold`), so a
    /// request admitted just before its deadline is not answered after it; 0: refused only once
    /// the deadline has passed.
    var deadlineReserveNanoseconds: Int64 = 0
    /// Unread answers across connections (`--max-buffered-output`), and the answers to large
    /// batches from their admission until they are written (`LargeBatch.budgetBytes`); nil: no
    /// global limit.
    var outputBudget: ByteBudget?
    /// What a large batch reserves against `outputBudget` when admitted; shared by the door's
    /// connections, so that each learns from the answers all of them pack.
    var answerEstimate = BatchAnswerEstimate()
    /// Labels this connection may still send now (`--max-label-rate`); nil: no limit.
    var labelRate: LabelRateLimit?

    /// A processor scoring through `service`; a `score_batch` of more than `maximumBatchSize`
    /// transactions is answered INVALID_ARGUMENT; labels need the role `mayLabel` starts with,
    /// or the `labelPolicy`'s token.
    public init(
        service: ScoringService, maximumBatchSize: Int = 10_000, labelPolicy: LabelPolicy = LabelPolicy(),
        mayLabel: Bool = false
    ) {
        self.service = service
        self.maximumBatchSize = maximumBatchSize
        self.labelPolicy = labelPolicy
        self.mayLabel = mayLabel
    }

    /// What became of a frame handed to `process(frame:into:)`.
    public enum Progress: Equatable, Sendable {
        /// Its response frame was appended to the outbound buffer.
        case answered
        /// It is a batch larger than `batchSlice`, answered a slice per turn: call
        /// `continueBatch(into:)` (after letting the event loop serve others) until `.answered`,
        /// and process no other frame of this connection meanwhile.
        case batchInProgress
    }

    /// Transactions of a batch scored and encoded per turn (`decodeSlice` are decoded): a
    /// 10,000-transaction batch takes tens of milliseconds, which other connections on the same
    /// event loop should not wait for at once (`LargeBatch`). A turn of 128 takes about 0.7 ms on a 2-vCPU VM, well
    /// inside the third of the default `--max-queue-delay` a loop may run behind
    /// (`QueueDelayAdmission`); 256 took about as long as that third, so requests beside a large
    /// batch were shed (docs/performance.md §6).
    public static let batchSlice = 128

    /// Transactions of a large batch decoded per turn: twice `batchSlice`, as decoding one costs
    /// a fraction of scoring it.
    static let decodeSlice = 2 * batchSlice

    private var pendingBatch: LargeBatch?

    /// Whether a batch is part-way answered (`Progress.batchInProgress`).
    public var hasBatchInProgress: Bool { pendingBatch != nil }

    /// Drops the batch in progress, if any, when its connection has closed: its answer so far
    /// leaves `outputBudget`.
    func abandonBatch() {
        guard let pending = pendingBatch else { return }
        outputBudget?.adjust(by: -pending.budgetBytes)
        pendingBatch = nil
    }

    /// Makes `batch` the batch in progress; its expected answer counts against `outputBudget`
    /// from now on.
    private func admit(_ batch: LargeBatch) {
        outputBudget?.adjust(by: batch.budgetBytes)
        pendingBatch = batch
    }

    /// Whether `batch`, admitted, is shed for what it holds decoded: the budget is past its
    /// limit, and not by this batch alone. One that alone passes it would be refused however
    /// long its client waited: it is served, as before decoded bytes counted.
    private func isShed(_ batch: LargeBatch) -> Bool {
        guard let outputBudget, outputBudget.isExhausted else { return false }
        return outputBudget.heldBytes > batch.budgetBytes
    }

    /// The bytes a large batch of `count` transactions in a frame of `requestBytes` reserves.
    private func reservation(count: Int, requestBytes: Int) -> Int {
        outputBudget == nil ? 0 : answerEstimate.reservation(items: count, requestBytes: requestBytes)
    }

    /// Processes one frame body: appends exactly one response frame to `outbound`, or, for a
    /// batch larger than `batchSlice`, leaves its decoding, scoring and answer to `continueBatch`.
    @discardableResult
    public func process(frame: ByteBuffer, into outbound: inout ByteBuffer) -> Progress {
        precondition(pendingBatch == nil, "a frame was processed while a batch was in progress")
        let start = NIODeadline.now().uptimeNanoseconds
        counters.requests += 1
        let answer = frame.withUnsafeReadableBytes { bytes in
            respond(to: bytes, of: frame, start: start, into: &outbound)
        }
        switch answer {
        case .response(let response): write(response, into: &outbound)
        case .written: break
        case .batchInProgress: return .batchInProgress
        }
        input.reset()
        output.reset()
        return .answered
    }

    /// Processes one frame body to its answer in one go, however large a batch it holds: for
    /// tools, benchmarks and the fuzzer. The socket door slices batches instead.
    public func answer(frame: ByteBuffer, into outbound: inout ByteBuffer) {
        guard process(frame: frame, into: &outbound) == .batchInProgress else { return }
        while continueBatch(into: &outbound) == .batchInProgress {}
    }

    /// Decodes, or scores and encodes, the next slice of the batch in progress; once the last is
    /// scored, appends the batch's response frame to `outbound` and answers `.answered`. A
    /// transaction that does not decode refuses the whole request MALFORMED, before any is scored.
    @discardableResult
    public func continueBatch(into outbound: inout ByteBuffer) -> Progress {
        guard var pending = pendingBatch else { return .answered }
        // Taken out while it is worked on: a second reference would make every write to its
        // answer copy the whole answer so far.
        pendingBatch = nil
        if !pending.isDecoded {
            let counted = pending.budgetBytes
            let decodes = pending.decode(upTo: Self.decodeSlice, into: input)
            outputBudget?.adjust(by: pending.budgetBytes - counted)
            let shed = decodes && isShed(pending)
            if shed { counters.shedForBufferedOutput += 1 }
            guard decodes, !shed else {
                outputBudget?.adjust(by: -pending.budgetBytes)
                let refused =
                    shed
                    ? refusal(requestID: pending.requestID, .overloaded, Self.bufferedOutputExceeded)
                    : refusal(requestID: pending.requestID, .malformed, Self.notARequest)
                write(refused, into: &outbound)
                input.reset()
                output.reset()
                return .answered
            }
        } else {
            let counted = pending.budgetBytes
            scoreSlice(of: &pending)
            if let outputBudget {
                outputBudget.adjust(by: pending.budgetBytes - counted)
                answerEstimate.learn(answerBytes: pending.answerBytes, items: pending.scored)
            }
        }
        guard pending.isScored else {
            pendingBatch = pending
            return .batchInProgress
        }
        // From here the connection's own count of its unread output takes the answer over.
        outputBudget?.adjust(by: -pending.budgetBytes)
        pending.writeAnswer(with: breakdownFrames, into: &outbound)
        input.reset()
        output.reset()
        return .answered
    }

    /// Appends the answer to a frame the decoder refused for its size.
    public func writeFrameTooLarge(_ error: FrameTooLargeError, into outbound: inout ByteBuffer) {
        writeConnectionError(
            .frameTooLarge, "frame of \(error.length) bytes exceeds the limit of \(error.limit) bytes; closing the connection",
            into: &outbound)
    }

    /// Appends an error answer that belongs to the connection, not to a request (request id 0),
    /// and counts it: the connection is about to close.
    public func writeConnectionError(_ code: ErrorCode, _ message: String, into outbound: inout ByteBuffer) {
        write(refusal(requestID: 0, code, message), into: &outbound)
        output.reset()
    }

    // MARK: - Requests

    /// What `respond` made of a frame.
    private enum Answer {
        /// A response to pack into the outbound buffer.
        case response(UnsafeMutablePointer<Streamify__V1__Response>)
        /// Its response frame is in the outbound buffer already (a scored transaction's).
        case written
        /// A large batch, answered over later turns (`continueBatch`).
        case batchInProgress
    }

    /// Answers one frame: a scored transaction or batch straight into `outbound`, anything else
    /// as a response to pack; or begins a batch that continues in later turns.
    private func respond(
        to bytes: UnsafeRawBufferPointer, of frame: ByteBuffer, start: UInt64, into outbound: inout ByteBuffer
    ) -> Answer {
        // Count a batch before decoding it: decoding allocates every transaction it holds.
        let peek = RequestPeek(bytes)
        // The shape first: the count sums every `score_batch` field, and two batches each within
        // the limit are refused for being two.
        if peek.isWellFormed, peek.bodyFields > 1 {
            return .response(refusal(requestID: peek.requestID, .invalidArgument, Self.bodyRepeated, field: "body"))
        }
        if peek.isWellFormed, peek.batchTransactions > maximumBatchSize {
            return .response(batchTooLarge(requestID: peek.requestID, count: peek.batchTransactions))
        }
        if peek.isWellFormed, peek.deadlineMs < 0 {
            return .response(refusal(requestID: peek.requestID, .invalidArgument, Self.deadlineNegative, field: "deadline_ms"))
        }
        // Nil for a value this build does not know: refused once the request is known to score
        // (below); other requests ignore it.
        let explain = Explain(wireValue: peek.explain)
        // Shed before decoding: a loop that is behind must spend as little as possible per
        // request. That includes a request whose client has given up (its deadline passed while
        // it waited in buffers): it is refused even if its body would not decode.
        if peek.isWellFormed, peek.deadlineMs > 0, cannotMeet(deadlineMs: peek.deadlineMs) {
            counters.shedForDeadline += 1
            return .response(refusal(requestID: peek.requestID, .deadlineExceeded, Self.deadlineCannotBeMet))
        }
        if peek.isWellFormed, peek.asksForScoring {
            if let admission, !admission.admits(atUptimeNanoseconds: start) {
                counters.shedForQueueDelay += 1
                return .response(refusal(requestID: peek.requestID, .overloaded, Self.queueDelayExceeded))
            }
            if let outputBudget, outputBudget.isExhausted {
                counters.shedForBufferedOutput += 1
                return .response(refusal(requestID: peek.requestID, .overloaded, Self.bufferedOutputExceeded))
            }
        }
        // A large batch is decoded a slice per turn, unless its frame has an unusual shape (or an
        // unknown explain, refused below once decoding shows the frame is a request).
        if peek.isWellFormed, peek.batchTransactions > Self.batchSlice, let explain,
            let batch = LargeBatch(
                frame: frame, requestID: peek.requestID, count: peek.batchTransactions, start: start, explain: explain,
                reserving: reservation(count: peek.batchTransactions, requestBytes: bytes.count), in: input)
        {
            admit(batch)
            return .batchInProgress
        }
        guard peek.isWellFormed, let request = decode(bytes, peek) else {
            return .response(refusal(requestID: peek.requestID, .malformed, Self.notARequest))
        }
        let requestID = request.pointee.request_id
        switch request.pointee.body_case {
        case STREAMIFY__V1__REQUEST__BODY_SCORE:
            guard let explain else { return .response(unknownExplain(requestID: requestID, peek.explain)) }
            return scoreAnswer(
                requestID: requestID, transaction: request.pointee.score, start: start, explain: explain, into: &outbound)
        case STREAMIFY__V1__REQUEST__BODY_SCORE_BATCH:
            guard let explain else { return .response(unknownExplain(requestID: requestID, peek.explain)) }
            return batchAnswer(
                requestID: requestID, batch: request.pointee.score_batch, requestBytes: bytes.count, start: start,
                explain: explain, into: &outbound)
        case STREAMIFY__V1__REQUEST__BODY_FEEDBACK:
            return .response(feedbackResponse(requestID: requestID, feedback: request.pointee.feedback, start: start))
        case STREAMIFY__V1__REQUEST__BODY_PING:
            return .response(pongResponse(requestID: requestID))
        case STREAMIFY__V1__REQUEST__BODY_AUTHENTICATE:
            return .response(authenticateResponse(requestID: requestID, authenticate: request.pointee.authenticate))
        default:
            return .response(refusal(requestID: requestID, .malformed, "request has no body (score, score_batch, feedback or ping)"))
        }
    }

    /// Decodes a frame into the input arena: a scoring request of the usual shape with its
    /// strings left in the frame (`BorrowingDecoder`), anything else with protobuf-c. Only
    /// batches answered in this turn are borrowed: a large one decoded in one piece outlives the
    /// frame's bytes, so one the peek counted as large goes to protobuf-c at once (the borrowing
    /// decoder would decline it, but only after decoding a slice of it).
    private func decode(_ bytes: UnsafeRawBufferPointer, _ peek: RequestPeek) -> UnsafeMutablePointer<Streamify__V1__Request>? {
        if peek.asksForScoring, peek.batchTransactions <= Self.batchSlice,
            let request = BorrowingDecoder.request(bytes, maximumRepeated: Self.batchSlice, into: input)
        {
            return request
        }
        return Request.unpack(bytes, into: input)
    }

    /// Whether the answer could not reach the client by `deadlineMs` (Unix milliseconds).
    @inline(__always)
    private func cannotMeet(deadlineMs: Int64) -> Bool {
        let (deadline, overflow) = deadlineMs.multipliedReportingOverflow(by: 1_000_000)
        return !overflow && WallClock.unixNanoseconds() + deadlineReserveNanoseconds >= deadline
    }

    /// Scores one transaction and appends its answer: the breakdown's frame is encoded straight
    /// into `outbound` (`BreakdownFrameWriter`); a refusal is left to pack like any response.
    private func scoreAnswer(
        requestID: UInt64,
        transaction: UnsafeMutablePointer<Streamify__V1__Transaction>?,
        start: UInt64,
        explain: Explain,
        into outbound: inout ByteBuffer
    ) -> Answer {
        let refused = score(transaction, start: start, explain: explain, as: .frame(requestID: requestID), into: &outbound)
        return refused.map { .response(errorResponse(requestID: requestID, $0)) } ?? .written
    }

    /// Scores a batch of up to `batchSlice` transactions and appends its answer; a larger one
    /// (decoded in one piece because of its frame's shape) is left to later turns (`pendingBatch`).
    private func batchAnswer(
        requestID: UInt64,
        batch: UnsafeMutablePointer<Streamify__V1__TransactionBatch>?,
        requestBytes: Int,
        start: UInt64,
        explain: Explain,
        into outbound: inout ByteBuffer
    ) -> Answer {
        let count = batch?.pointee.n_transactions ?? 0
        // The peek already refused larger batches; this only guards the arithmetic below.
        guard count <= maximumBatchSize else { return .response(batchTooLarge(requestID: requestID, count: count)) }
        if let batch, count > Self.batchSlice {
            let large = LargeBatch(
                decoded: batch, requestID: requestID, start: start, explain: explain,
                reserving: reservation(count: count, requestBytes: requestBytes), holding: input.overflowBytes)
            admit(large)
            guard isShed(large) else { return .batchInProgress }
            abandonBatch()
            counters.shedForBufferedOutput += 1
            return .response(refusal(requestID: requestID, .overloaded, Self.bufferedOutputExceeded))
        }
        batchItems.clear()
        if let transactions = batch?.pointee.transactions {
            for index in 0..<count {
                appendItem(scoring: transactions[index], start: start, explain: explain, to: &batchItems)
            }
        }
        breakdownFrames.writeBatchAnswer(requestID: requestID, items: &batchItems, into: &outbound)
        return .written
    }

    /// Scores up to `batchSlice` more of a large batch's transactions and appends their items to
    /// its answer.
    private func scoreSlice(of pending: inout LargeBatch) {
        let end = min(pending.scored + Self.batchSlice, pending.count)
        let (start, explain) = (pending.start, pending.explain)
        while pending.scored < end {
            pending.appendNext { transaction, items in
                appendItem(scoring: transaction, start: start, explain: explain, to: &items)
            }
        }
        output.reset()
    }

    /// Scores `transaction` and appends its `BatchItem` to `items`: its breakdown, encoded by
    /// hand, or the error that refused it, packed by protobuf-c.
    private func appendItem(
        scoring transaction: UnsafeMutablePointer<Streamify__V1__Transaction>?,
        start: UInt64,
        explain: Explain,
        to items: inout ByteBuffer
    ) {
        if let refused = score(transaction, start: start, explain: explain, as: .batchItem, into: &items) {
            appendError(refused, to: &items)
        }
    }

    /// Scores `transaction` and writes its breakdown inside `envelope` into `buffer`; or, when
    /// it is missing or refused, leaves `buffer` alone and returns the error to answer with
    /// (counted).
    private func score(
        _ transaction: UnsafeMutablePointer<Streamify__V1__Transaction>?,
        start: UInt64,
        explain: Explain,
        as envelope: BreakdownFrameWriter.Envelope,
        into buffer: inout ByteBuffer
    ) -> UnsafeMutablePointer<Streamify__V1__Error>? {
        guard let transaction else {
            counters.errors[.malformed] += 1
            return makeError(.malformed, Self.transactionMissing)
        }
        var decision = ScoringService.Decision()
        if let error = service.score(transaction, counters: &counters, into: &decision) {
            return makeError(error.code, error.message, field: error.field)
        }
        let id = transaction.pointee.transaction_id
        breakdownFrames.write(
            envelope, decision.assessment, transactionID: UnsafeRawBufferPointer(start: id.data, count: id.len),
            modelVersion: decision.modelVersion, explain: explain, serverTimeMicroseconds: serverTime(since: start),
            into: &buffer)
        return nil
    }

    private func appendError(_ error: UnsafeMutablePointer<Streamify__V1__Error>, to items: inout ByteBuffer) {
        var item = Streamify__V1__BatchItem()
        streamify__v1__batch_item__init(&item)
        item.result_case = STREAMIFY__V1__BATCH_ITEM__RESULT_ERROR
        item.error = error
        breakdownFrames.append(&item, to: &items)
    }

    private func feedbackResponse(
        requestID: UInt64,
        feedback: UnsafeMutablePointer<Streamify__V1__Feedback>?,
        start: UInt64
    ) -> UnsafeMutablePointer<Streamify__V1__Response> {
        guard let feedback else {
            return refusal(requestID: requestID, .malformed, "feedback body is missing")
        }
        guard mayLabel else {
            return refusal(requestID: requestID, .unauthenticated, Self.labelRoleNeeded)
        }
        if labelRate?.admit(atUptimeNanoseconds: start) == false {
            counters.rateLimitedLabels += 1
            return refusal(requestID: requestID, .overloaded, Self.labelRateExceeded)
        }
        switch service.record(feedback, counters: &counters) {
        case .success(let disposition):
            let ack = output.make(Streamify__V1__Ack.self)
            streamify__v1__ack__init(ack)
            ack.pointee.outcome = Streamify__V1__LabelOutcome(
                rawValue: .init(truncatingIfNeeded: LabelOutcome(disposition).rawValue))
            let response = makeResponse(requestID: requestID)
            response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_ACK
            response.pointee.ack = ack
            return response
        case .failure(let error):
            return errorResponse(requestID: requestID, error.code, error.message, field: error.field)
        }
    }

    /// Why a frame was refused MALFORMED: it is not a `Request` protobuf-c can decode.
    static let notARequest = "frame is not a valid streamify.v1.Request"
    /// Why a `score` request, or an item of a batch, was refused MALFORMED: it holds no transaction.
    static let transactionMissing = "transaction is missing"
    /// Why a request holding two bodies (two `score_batch` fields, or `score` and `feedback`) is
    /// refused: decoding keeps only the last, and what came before it would go unanswered.
    static let bodyRepeated =
        "the request holds more than one field of its body oneof; send one body per request, a batch's transactions in one score_batch"

    /// Why a negative `deadline_ms` is refused rather than read as no deadline.
    static let deadlineNegative = "deadline_ms must be Unix epoch milliseconds, or 0 for no deadline"

    /// Why a request was refused DEADLINE_EXCEEDED without being scored.
    static let deadlineCannotBeMet = "deadline_ms passed, or is too close to answer in time, before the server reached the request"
    /// Why a scoring request was shed.
    static let queueDelayExceeded =
        "the server is overloaded: this request would wait longer than --max-queue-delay; retry after a backoff or elsewhere"

    /// Why a scoring request was refused while clients hold too many unread answers.
    static let bufferedOutputExceeded =
        "the server is overloaded: clients hold more unread answers than --max-buffered-output; read your answers, retry later"

    /// Why a label was refused for its rate.
    static let labelRateExceeded =
        "this connection sends labels faster than --max-label-rate allows; nothing changed, retry later"

    /// Why a label was refused, and how to get the role.
    static let labelRoleNeeded =
        "labels need the label role: over the Unix socket, run as the daemon's user or a member of --label-group; otherwise authenticate with the --label-token-file token"

    private func authenticateResponse(
        requestID: UInt64, authenticate: UnsafeMutablePointer<Streamify__V1__Authenticate>?
    ) -> UnsafeMutablePointer<Streamify__V1__Response> {
        let token = authenticate.map { bytes(of: $0.pointee.token) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        // Not text is a malformed request, not a wrong token (the check reads no secret).
        if let error = TextCheck.error(field: "token", token) { return refusal(requestID: requestID, error) }
        guard authenticate != nil, labelPolicy.accepts(token: token) else {
            return refusal(requestID: requestID, .unauthenticated, "the label token is wrong, or the server has none")
        }
        mayLabel = true
        let authenticated = output.make(Streamify__V1__Authenticated.self)
        streamify__v1__authenticated__init(authenticated)
        authenticated.pointee.may_label = 1
        let response = makeResponse(requestID: requestID)
        response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_AUTHENTICATED
        response.pointee.authenticated = authenticated
        return response
    }

    private func pongResponse(requestID: UInt64) -> UnsafeMutablePointer<Streamify__V1__Response> {
        counters.pings += 1
        let pong = output.make(Streamify__V1__Pong.self)
        streamify__v1__pong__init(pong)
        pong.pointee.version = output.copy(Self.serverVersion)
        pong.pointee.model_version = output.copy(engine.model.version)
        pong.pointee.cards_tracked = UInt64(engine.cardsTracked)
        let response = makeResponse(requestID: requestID)
        response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_PONG
        response.pointee.pong = pong
        return response
    }

    // MARK: - Scoring

    /// The microseconds since `start` that an answer reports as `server_time_us`, recorded in
    /// the latency histogram.
    @inline(__always)
    private func serverTime(since start: UInt64) -> UInt32 {
        let microseconds = UInt32(clamping: (NIODeadline.now().uptimeNanoseconds &- start) / 1000)
        counters.latency.record(microseconds: microseconds)
        return microseconds
    }

    // MARK: - Encoding

    private func makeResponse(requestID: UInt64) -> UnsafeMutablePointer<Streamify__V1__Response> {
        let response = output.make(Streamify__V1__Response.self)
        streamify__v1__response__init(response)
        response.pointee.request_id = requestID
        return response
    }

    private func makeError(_ code: ErrorCode, _ message: String, field: String = "") -> UnsafeMutablePointer<Streamify__V1__Error> {
        let error = output.make(Streamify__V1__Error.self)
        streamify__v1__error__init(error)
        error.pointee.code = Streamify__V1__ErrorCode(rawValue: .init(truncatingIfNeeded: code.rawValue))
        error.pointee.message = output.copy(message)
        error.pointee.field = output.copy(field)
        return error
    }

    private func unknownExplain(requestID: UInt64, _ value: UInt64) -> UnsafeMutablePointer<Streamify__V1__Response> {
        refusal(requestID: requestID, .invalidArgument, "explain \(value) is not one of \(Explain.wireNames)", field: "explain")
    }

    private func batchTooLarge(requestID: UInt64, count: Int) -> UnsafeMutablePointer<Streamify__V1__Response> {
        refusal(
            requestID: requestID, .invalidArgument,
            "batch has \(count) transactions; the limit is \(maximumBatchSize)", field: "score_batch.transactions")
    }

    /// The error answer to `requestID`, counted under `code`: every refusal the processor makes
    /// itself (the service counts the ones it makes).
    private func refusal(
        requestID: UInt64, _ code: ErrorCode, _ message: String, field: String = ""
    ) -> UnsafeMutablePointer<Streamify__V1__Response> {
        counters.errors[code] += 1
        return errorResponse(requestID: requestID, code, message, field: field)
    }

    private func refusal(requestID: UInt64, _ error: WireError) -> UnsafeMutablePointer<Streamify__V1__Response> {
        refusal(requestID: requestID, error.code, error.message, field: error.field)
    }

    private func errorResponse(
        requestID: UInt64, _ code: ErrorCode, _ message: String, field: String = ""
    ) -> UnsafeMutablePointer<Streamify__V1__Response> {
        errorResponse(requestID: requestID, makeError(code, message, field: field))
    }

    private func errorResponse(
        requestID: UInt64, _ error: UnsafeMutablePointer<Streamify__V1__Error>
    ) -> UnsafeMutablePointer<Streamify__V1__Response> {
        let response = makeResponse(requestID: requestID)
        response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_ERROR
        response.pointee.error = error
        return response
    }

    private func write(_ response: UnsafeMutablePointer<Streamify__V1__Response>, into outbound: inout ByteBuffer) {
        outbound.writeProtobufCFrame(response)
    }
}
