/// Why a request, or one item of a batch, was refused.
public enum ErrorCode: Int32, Sendable, Hashable, CaseIterable {
    case unspecified = 0
    /// The frame is not a valid `Request`, or has no body. The connection stays usable.
    case malformed = 1
    /// A field is missing or out of range; `WireError.field` names it. State is untouched.
    case invalidArgument = 2
    /// The frame's length is over the server's limit. The server closes the connection.
    case frameTooLarge = 3
    case overloaded = 4
    case deadlineExceeded = 5
    case unauthenticated = 6
    case `internal` = 7
}

/// An error answer (`streamify.v1.Error`).
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// The offending field, when there is one (for example `amount_minor`).
    public var field: String

    public init(code: ErrorCode, message: String, field: String = "") {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.isEmpty ? "\(code): \(message)" : "\(code) [\(field)]: \(message)"
    }
}
