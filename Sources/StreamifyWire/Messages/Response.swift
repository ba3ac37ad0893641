/// One result of a batch: a breakdown, or the reason that transaction was refused.
public enum BatchItem: Sendable, Hashable {
    /// The transaction was scored.
    case breakdown(RiskBreakdown)
    /// The transaction was refused, and why.
    case error(WireError)
}

/// The daemon's answer to a `Ping`.
public struct Pong: Sendable, Hashable {
    /// The daemon's software version.
    public var version: String
    /// Version of the risk model in use.
    public var modelVersion: String
    /// Cards in the daemon's state table now.
    public var cardsTracked: UInt64

    /// Creates a value with every field given.
    public init(version: String, modelVersion: String, cardsTracked: UInt64) {
        self.version = version
        self.modelVersion = modelVersion
        self.cardsTracked = cardsTracked
    }
}

/// The daemon's answer to one `Request` (`streamify.v1.Response`).
public struct Response: Sendable, Hashable {
    /// What the response carries (the proto's `oneof body`).
    public enum Body: Sendable, Hashable {
        /// The answer to a score request.
        case breakdown(RiskBreakdown)
        /// Same order as the request's transactions.
        case breakdownBatch([BatchItem])
        /// The answer to feedback that passed validation and the label role check: what became of it.
        case ack(LabelOutcome)
        /// The answer to a ping.
        case pong(Pong)
        /// The whole request was refused.
        case error(WireError)
        /// The answer to a valid `authenticate`: whether the connection may now send labels.
        case authenticated(mayLabel: Bool)
    }

    /// The `requestID` of the request this answers (0 for a frame refused for its size).
    public var requestID: UInt64
    /// `nil` when the response carries no body this client knows.
    public var body: Body?

    /// Creates a value with every field given.
    public init(requestID: UInt64, body: Body?) {
        self.requestID = requestID
        self.body = body
    }
}
