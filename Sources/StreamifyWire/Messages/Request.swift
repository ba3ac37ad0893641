/// What a client asks of the daemon (`streamify.v1.Request`).
public struct Request: Sendable, Hashable {
    /// What the request asks for (the proto's `oneof body`).
    public enum Body: Sendable, Hashable {
        /// Score one transaction; answered with a breakdown.
        case score(Transaction)
        /// Score several transactions; answered with a breakdown batch in the same order.
        case scoreBatch([Transaction])
        /// Report a confirmed outcome; answered with an ack.
        case feedback(Feedback)
        /// Ask for the daemon's version and size; answered with a pong.
        case ping
        /// Present a label token to take the label role on this connection; answered with
        /// `authenticated`, or `UNAUTHENTICATED` for a wrong token.
        case authenticate(token: String)
    }

    /// Echoed in the matching `Response`.
    public var requestID: UInt64
    /// `nil` only for malformed requests; the server answers those with `ErrorCode.malformed`.
    public var body: Body?

    /// Unix epoch milliseconds after which the answer is of no use (0: no deadline); a request
    /// the server reaches at or after it is answered `DEADLINE_EXCEEDED` without being scored.
    public var deadlineMs: Int64

    /// Which factors' reasons the breakdowns carry (scoring requests only).
    public var explain: Explain

    /// Creates a value with every field given.
    public init(requestID: UInt64, body: Body?, deadlineMs: Int64 = 0, explain: Explain = .all) {
        self.requestID = requestID
        self.deadlineMs = deadlineMs
        self.explain = explain
        self.body = body
    }
}
