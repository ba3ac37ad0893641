/// One result of a batch: a breakdown, or the reason that transaction was refused.
public enum BatchItem: Sendable, Hashable {
    case breakdown(RiskBreakdown)
    case error(WireError)
}

/// The daemon's answer to a `Ping`.
public struct Pong: Sendable, Hashable {
    public var version: String
    public var modelVersion: String
    public var cardsTracked: UInt64

    public init(version: String, modelVersion: String, cardsTracked: UInt64) {
        self.version = version
        self.modelVersion = modelVersion
        self.cardsTracked = cardsTracked
    }
}

/// The daemon's answer to one `Request` (`streamify.v1.Response`).
public struct Response: Sendable, Hashable {
    public enum Body: Sendable, Hashable {
        case breakdown(RiskBreakdown)
        /// Same order as the request's transactions.
        case breakdownBatch([BatchItem])
        case ack
        case pong(Pong)
        case error(WireError)
    }

    public var requestID: UInt64
    public var body: Body?

    public init(requestID: UInt64, body: Body?) {
        self.requestID = requestID
        self.body = body
    }
}
