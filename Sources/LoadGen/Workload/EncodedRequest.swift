import NIOCore

/// One request, encoded ahead of time as a whole frame.
struct EncodedRequest: Sendable {
    /// Length prefix and `streamify.v1.Request` bytes (a slice of its chunk's buffer).
    var frame: ByteBuffer
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
}
