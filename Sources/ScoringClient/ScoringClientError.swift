/// Failures of the client itself (as opposed to `WireError`, an error the daemon answered).
public enum ScoringClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A target string could not be parsed.
    case invalidTarget(String, reason: String)
    /// The connection to `target` could not be opened, for `reason` (the system's words).
    case connectFailed(target: String, reason: String)
    /// The connection closed (or was never open) before the daemon answered this request.
    case connectionClosed
    /// A response frame is not a valid `streamify.v1.Response`.
    case malformedResponse
    /// The daemon answered a request id other than the one sent (responses must come in order).
    case requestIDMismatch(expected: UInt64, received: UInt64)
    /// The daemon answered with a body that does not fit the request (a pong to a score, say).
    case unexpectedResponse(String)
    /// A response arrived while no request was waiting for one.
    case unsolicitedResponse
    /// TLS settings that cannot work (a certificate without its key, say).
    case invalidTLS(String)
    /// A request waited longer than the client's `responseTimeout` for its answer; every
    /// request then waiting failed with this, and the connection was closed.
    case responseTimedOut

    public var description: String {
        switch self {
        case .invalidTarget(let text, let reason): "invalid target '\(text)': \(reason)"
        case .connectFailed(let target, let reason): "cannot connect to \(target): \(reason)"
        case .connectionClosed: "the connection to the scoring daemon closed before it answered"
        case .malformedResponse: "the daemon sent a frame that is not a valid streamify.v1.Response"
        case .requestIDMismatch(let expected, let received):
            "response out of order: expected request id \(expected), received \(received)"
        case .unexpectedResponse(let what): "unexpected response: \(what)"
        case .unsolicitedResponse: "the daemon sent a response nobody asked for"
        case .invalidTLS(let reason): "invalid TLS settings: \(reason)"
        case .responseTimedOut: "the scoring daemon did not answer within the response timeout; the connection was closed"
        }
    }
}
