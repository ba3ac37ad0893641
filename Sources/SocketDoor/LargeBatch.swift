import CStreamifyProto
import NIOCore
import StreamifyWire

/// A `score_batch` of more than `FrameProcessor.batchSlice` transactions, answered over several
/// turns of the event loop so that no turn holds the loop for more than one slice of it.
///
/// Its transactions are decoded `FrameProcessor.decodeSlice` per turn, all of them before the
/// first is scored: a malformed one refuses the whole request and leaves state untouched, as
/// decoding the frame in one piece would. They are then scored a slice per turn, and each item is packed into the
/// answer as soon as it is scored, so the answer is never encoded in one piece either.
struct LargeBatch {
    /// The request's id, echoed in the answer.
    let requestID: UInt64
    /// When the frame was read (uptime nanoseconds): each item's `server_time_us` counts from it.
    let start: UInt64
    /// Which reasons its breakdowns carry (the request's `explain`).
    let explain: Explain
    /// Transactions in the batch.
    let count: Int
    /// The transactions decoded so far, in order; they live in the processor's input arena.
    let transactions: UnsafeMutablePointer<UnsafeMutablePointer<Streamify__V1__Transaction>?>
    /// How many of `transactions` are decoded, and how many scored.
    private(set) var decoded: Int
    private(set) var scored = 0
    /// The frame the rest are decoded from, and where in it the walk resumes; nil once decoded.
    private var frame: ByteBuffer?
    private var cursor = 0
    private var end = 0
    /// The answer's `BreakdownBatch` so far: each scored item with its key and length.
    private var items: ByteBuffer
    /// What the answer was expected to take when the batch was admitted (`BatchAnswerEstimate`).
    private let reservedBytes: Int
    /// What the decoded transactions hold in the input arena beyond its fixed block, as of the
    /// last decoding turn.
    private var decodedBytes = 0

    /// A batch decoded a slice per turn from `frame`, which must hold a `Request` of only a
    /// `request_id`, a `deadline_ms`, an `explain` and one `score_batch` of `count` transactions (what
    /// `RequestPeek` counted); nil for any other shape, which the caller decodes in one piece so
    /// that protobuf's rules for repeated and unknown fields stay protobuf-c's.
    init?(
        frame: ByteBuffer, requestID: UInt64, count: Int, start: UInt64, explain: Explain, reserving reservedBytes: Int,
        in arena: MessageArena
    ) {
        let number = WireFieldNumbers.request
        let batchField: Range<Int>? = frame.withUnsafeReadableBytes { bytes in
            var batch: Range<Int>?
            var reader = ProtobufWireReader(bytes)
            while let field = reader.nextField() {
                switch (field.number, field.wireType) {
                case (number.requestID, .varint), (number.deadlineMs, .varint), (number.explain, .varint):
                    continue
                case (number.scoreBatch, .lengthDelimited) where batch == nil:
                    batch = field.payload
                default:
                    return nil
                }
            }
            return reader.isMalformed ? nil : batch
        }
        guard let batchField else { return nil }
        self.init(
            requestID: requestID, count: count, start: start, explain: explain,
            transactions: arena.makePointerArray(of: Streamify__V1__Transaction.self, count: count), decoded: 0,
            reservedBytes: reservedBytes)
        self.frame = frame
        self.cursor = batchField.lowerBound
        self.end = batchField.upperBound
    }

    /// A batch already decoded in one piece, which holds `decodedBytes` in the input arena.
    init(
        decoded batch: UnsafeMutablePointer<Streamify__V1__TransactionBatch>, requestID: UInt64, start: UInt64,
        explain: Explain, reserving reservedBytes: Int, holding decodedBytes: Int
    ) {
        self.init(
            requestID: requestID, count: batch.pointee.n_transactions, start: start, explain: explain,
            transactions: batch.pointee.transactions,
            decoded: batch.pointee.n_transactions, reservedBytes: reservedBytes)
        self.decodedBytes = decodedBytes
    }

    private init(
        requestID: UInt64, count: Int, start: UInt64, explain: Explain,
        transactions: UnsafeMutablePointer<UnsafeMutablePointer<Streamify__V1__Transaction>?>, decoded: Int,
        reservedBytes: Int
    ) {
        self.requestID = requestID
        self.explain = explain
        self.reservedBytes = reservedBytes
        self.count = count
        self.start = start
        self.transactions = transactions
        self.decoded = decoded
        self.items = ByteBufferAllocator().buffer(capacity: 0)
    }

    /// Whether every transaction is decoded.
    var isDecoded: Bool { decoded == count }

    /// Decodes up to `limit` more transactions into `arena`; false when one is not a valid
    /// `Transaction`, or the batch holds fewer than counted: the request is malformed.
    mutating func decode(upTo limit: Int, into arena: MessageArena) -> Bool {
        guard let frame else { return isDecoded }
        let number = WireFieldNumbers.request.batchTransactions
        let last = min(decoded + limit, count)
        var next = decoded
        var malformed = false
        let resumeAt: Int = frame.withUnsafeReadableBytes { bytes in
            var reader = ProtobufWireReader(bytes, range: cursor..<end)
            while next < last, let field = reader.nextField() {
                guard field.number == number else { continue }
                guard field.wireType == .lengthDelimited,
                    let transaction = Transaction.unpack(UnsafeRawBufferPointer(rebasing: bytes[field.payload]), into: arena)
                else {
                    malformed = true
                    break
                }
                transactions[next] = transaction
                next += 1
            }
            malformed = malformed || reader.isMalformed || (next < last && reader.offset >= end)
            return reader.offset
        }
        decoded = next
        cursor = resumeAt
        decodedBytes = arena.overflowBytes
        if isDecoded { self.frame = nil }
        return !malformed
    }

    /// Scores the next transaction with `body`, which appends its item (a `BatchItem`, with its
    /// key and length) to the answer's items.
    mutating func appendNext(
        _ body: (UnsafeMutablePointer<Streamify__V1__Transaction>?, inout ByteBuffer) -> Void
    ) {
        body(transactions[scored], &items)
        scored += 1
    }

    /// Whether every transaction is scored.
    var isScored: Bool { scored == count }

    /// Bytes of answer packed so far.
    var answerBytes: Int { items.readableBytes }

    /// What the batch counts against `--max-buffered-output` until its answer is written: the
    /// bytes reserved when it was admitted, or the answer packed so far once that is larger;
    /// and what its decoded transactions hold. protobuf-c keeps every unknown field of a
    /// message, so a frame padded with them decodes to tens of times its size, held for the
    /// batch's many turns: counted, a few such batches exhaust the budget instead of the memory.
    var budgetBytes: Int { max(reservedBytes, answerBytes) + decodedBytes }

    /// Appends the answer: one `Response` frame with the `breakdown_batch` of every item
    /// (`BreakdownFrameWriter.writeBatchAnswer`).
    mutating func writeAnswer(with writer: BreakdownFrameWriter, into outbound: inout ByteBuffer) {
        writer.writeBatchAnswer(requestID: requestID, items: &items, into: &outbound)
    }
}
