import NIOCore
import StreamifyWire

/// Builds one connection's chunks: groups its transactions into batches, encodes each request
/// into a shared buffer, and records each transaction's ground truth.
///
/// The buffer is handed over whole with the chunk, and a new one started: a slice shares the
/// buffer's storage, so writing to it after slicing would copy the whole buffer each time.
struct RequestEncoder {
    let batchSize: Int
    /// The `explain` of every scoring request.
    let explain: Explain
    private var buffer: ByteBuffer
    private var requests: [EncodedRequest] = []
    private var truthCodes: [UInt8] = []
    private var chunkTransactions = 0
    private var pendingBatch: [Transaction] = []
    private var pendingTruths: [UInt8] = []
    private var nextRequestID: UInt64 = 1
    /// Bytes of frames encoded so far.
    private(set) var encodedBytes = 0

    init(batchSize: Int, explain: Explain = .all) {
        precondition(batchSize >= 1)
        self.batchSize = batchSize
        self.explain = explain
        self.buffer = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        pendingBatch.reserveCapacity(batchSize)
    }

    var hasPendingChunk: Bool { !requests.isEmpty }

    /// Adds a transaction at stream position `position`; encodes a request when the batch is full.
    mutating func add(_ transaction: Transaction, truthCode: UInt8, position: Int) {
        pendingBatch.append(transaction)
        pendingTruths.append(truthCode)
        if pendingBatch.count == batchSize { encodePendingBatch(duePosition: position) }
    }

    /// Encodes a feedback request due at stream position `position`.
    mutating func add(_ feedback: Feedback, position: Int) {
        encode(Request(requestID: takeRequestID(), body: .feedback(feedback)), duePosition: position, truths: [])
    }

    /// Encodes a partial batch (at the end of the stream).
    mutating func flushPartialBatch(duePosition: Int) {
        if !pendingBatch.isEmpty { encodePendingBatch(duePosition: duePosition) }
    }

    /// Hands over the requests encoded so far.
    mutating func takeChunk() -> WorkloadChunk? {
        guard !requests.isEmpty else { return nil }
        let chunk = WorkloadChunk(requests: requests, frames: buffer, truthCodes: truthCodes, transactionCount: chunkTransactions)
        requests = []
        truthCodes = []
        chunkTransactions = 0
        // The chunk's frames keep the old storage alive; start a fresh one rather than copy it
        // on the next write.
        buffer = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        return chunk
    }

    private mutating func takeRequestID() -> UInt64 {
        defer { nextRequestID += 1 }
        return nextRequestID
    }

    private mutating func encodePendingBatch(duePosition: Int) {
        let body: Request.Body = batchSize == 1 ? .score(pendingBatch[0]) : .scoreBatch(pendingBatch)
        encode(
            Request(requestID: takeRequestID(), body: body, explain: explain), duePosition: duePosition,
            truths: pendingTruths)
        pendingBatch.removeAll(keepingCapacity: true)
        pendingTruths.removeAll(keepingCapacity: true)
    }

    private mutating func encode(_ request: Request, duePosition: Int, truths: [UInt8]) {
        let start = buffer.writerIndex
        buffer.writeFrame(WireCodec.encode(request))
        let length = buffer.writerIndex - start
        encodedBytes += length
        requests.append(
            EncodedRequest(
                frameOffset: start, frameLength: Int32(length), requestID: request.requestID, duePosition: duePosition,
                truthStart: Int32(truthCodes.count), transactionCount: Int32(truths.count)))
        truthCodes.append(contentsOf: truths)
        chunkTransactions += truths.count
    }
}
