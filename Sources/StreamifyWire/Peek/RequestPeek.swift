/// What a `streamify.v1.Request` frame is, read from its wire bytes without decoding it: its id,
/// whether it asks for scoring, how many transactions a `score_batch` carries, its deadline and
/// how much explanation it asks for.
///
/// Decoding a batch allocates every transaction it holds, so the server must know the count
/// before it decodes: half a million empty transactions fit in a few megabytes of frame and cost
/// far more once decoded. The peek walks field keys and skips payloads, a few steps per
/// transaction, and allocates nothing.
public struct RequestPeek: Sendable, Equatable {
    /// The request's `request_id` (0 when absent, as protobuf reads it). Read even from a
    /// malformed frame when it comes before the malformation, so that refusal can echo it.
    public var requestID: UInt64
    /// Transactions in `score_batch`, counted over every occurrence of the field (protobuf-c
    /// keeps only the last, but parses them all, so this bounds the decoding work); 0 when the
    /// request is not a batch.
    public var batchTransactions: Int
    /// Whether the body is `score` or `score_batch`: work admission control may shed.
    public var asksForScoring: Bool
    /// The request's `deadline_ms` (Unix milliseconds; 0 for none): a request past it is shed
    /// before it is decoded.
    public var deadlineMs: Int64 = 0
    /// The request's `explain` as sent (0, `EXPLAIN_ALL`, when absent); `Explain(wireValue:)`
    /// says whether this build knows it.
    public var explain: UInt64 = 0
    /// How many fields of the `body` oneof the frame holds. More than one is refused: protobuf-c
    /// keeps only the last, so the others (a first `score_batch`'s transactions) would go
    /// unanswered.
    public var bodyFields = 0

    /// Whether the whole frame is valid protobuf wire format, every `score_batch` transaction
    /// under the message wire type (a decode may still refuse it).
    public var isWellFormed: Bool

    /// A peek's result, for tests and tools.
    public init(
        requestID: UInt64, batchTransactions: Int, asksForScoring: Bool = false, bodyFields: Int = 1, isWellFormed: Bool = true
    ) {
        self.requestID = requestID
        self.bodyFields = bodyFields
        self.batchTransactions = batchTransactions
        self.asksForScoring = asksForScoring
        self.isWellFormed = isWellFormed
    }

    /// Peeks at a frame body; `isWellFormed` is false when the bytes are not valid protobuf wire
    /// format, and the walk stops there.
    public init(_ bytes: UnsafeRawBufferPointer) {
        requestID = 0
        deadlineMs = 0
        explain = 0
        bodyFields = 0
        batchTransactions = 0
        asksForScoring = false
        isWellFormed = false
        let number = WireFieldNumbers.request
        var reader = ProtobufWireReader(bytes)
        // A malformed batch payload still has a length, so the walk goes on past it: a
        // `request_id` after it is read too, and the refusal echoes it.
        var batchMalformed = false
        while let field = reader.nextField() {
            // Every member is a message: under another wire type the frame is malformed, which
            // decoding says.
            if field.wireType == .lengthDelimited, field.number < UInt64.bitWidth, number.bodyMembers & (1 << field.number) != 0 {
                bodyFields += 1
            }
            switch (field.number, field.wireType) {
            case (number.requestID, .varint):
                requestID = field.varint
            case (number.deadlineMs, .varint):
                deadlineMs = Int64(bitPattern: field.varint)
            case (number.explain, .varint):
                explain = field.varint
            case (number.score, .lengthDelimited):
                asksForScoring = true
            case (number.scoreBatch, .lengthDelimited):
                asksForScoring = true
                var batch = ProtobufWireReader(bytes, range: field.payload)
                while let item = batch.nextField() {
                    guard item.number == number.batchTransactions else { continue }
                    // A message field under another wire type is malformed to protobuf-c: the
                    // sliced path, which walks this count, must refuse it as a whole decode does.
                    guard item.wireType == .lengthDelimited else {
                        batchMalformed = true
                        break
                    }
                    batchTransactions += 1
                }
                if batch.isMalformed { batchMalformed = true }
            default:
                continue
            }
        }
        isWellFormed = !reader.isMalformed && !batchMalformed
    }
}
