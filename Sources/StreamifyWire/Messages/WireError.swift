/// Why a request, or one item of a batch, was refused.
public enum ErrorCode: Int32, Sendable, Hashable, CaseIterable {
    /// No code set (the proto default).
    case unspecified = 0
    /// The frame is not a valid `Request`, or has no body. The connection stays usable.
    case malformed = 1
    /// A field is missing or out of range; `WireError.field` names it. State is untouched.
    case invalidArgument = 2
    /// The frame's length is over the server's limit. The server closes the connection.
    case frameTooLarge = 3
    /// The server is too busy to take the request.
    case overloaded = 4
    /// The request could not be answered in time.
    case deadlineExceeded = 5
    /// The client has not authenticated.
    case unauthenticated = 6
    /// A failure inside the server.
    case `internal` = 7
}

/// An error answer (`streamify.v1.Error`).
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why it was refused.
    public var code: ErrorCode
    /// A human-readable explanation.
    public var message: String
    /// The offending field, when there is one (for example `amount_minor`).
    public var field: String

    /// Creates an error; `field` stays empty when no single field is at fault.
    public init(code: ErrorCode, message: String, field: String = "") {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.isEmpty ? "\(code): \(message)" : "\(code) [\(field)]: \(message)"
    }
}
