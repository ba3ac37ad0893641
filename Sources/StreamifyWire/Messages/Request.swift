/// What a client asks of the daemon (`streamify.v1.Request`).
public struct Request: Sendable, Hashable {
    public enum Body: Sendable, Hashable {
        case score(Transaction)
        case scoreBatch([Transaction])
        case feedback(Feedback)
        case ping
    }

    /// Echoed in the matching `Response`.
    public var requestID: UInt64
    /// `nil` only for malformed requests; the server answers those with `ErrorCode.malformed`.
    public var body: Body?

    public init(requestID: UInt64, body: Body?) {
        self.requestID = requestID
        self.body = body
    }
}
