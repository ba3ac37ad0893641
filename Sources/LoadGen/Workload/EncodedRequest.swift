/// One request, encoded ahead of time as a whole frame in its chunk's `frames`.
struct EncodedRequest: Sendable {
    /// Where the frame (length prefix and `streamify.v1.Request` bytes) starts in its chunk's
    /// `frames`; the next request's frame follows right after it.
    var frameOffset: Int
    /// The frame's length, prefix included.
    var frameLength: Int32
    /// The id the daemon must echo.
    var requestID: UInt64
    /// Position in the stream (0-based, counted in transactions) of the request's last
    /// transaction; the open loop sends it at `start + duePosition / rate`.
    var duePosition: Int
    /// Where this request's ground-truth codes start in its chunk's `truthCodes`.
    var truthStart: Int32
    /// Transactions in the request; 0 for feedback.
    var transactionCount: Int32

    var isFeedback: Bool { transactionCount == 0 }

    /// Where the frame ends in its chunk's `frames`: where the next request's starts.
    var frameEnd: Int { frameOffset + Int(frameLength) }
}
