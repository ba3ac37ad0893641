import StreamifyWire

/// What the load generator needs from a response, decoded without building Swift strings.
public struct ResponseSummary: Sendable, Hashable {
    /// The shape of the answer.
    public enum Kind: Sendable, Hashable {
        /// One `RiskBreakdown` (`items` holds it).
        case breakdown
        /// A `BreakdownBatch` (`items` holds one entry per transaction, in request order).
        case breakdownBatch
        /// An `Ack`: the answer to feedback.
        case ack
        /// A `Pong`: the answer to a ping (its contents are not decoded).
        case pong
        /// The whole request was refused.
        case error(ErrorCode)
        /// A response without a body.
        case empty
    }

    /// One scored transaction of a breakdown or a batch.
    public struct Item: Sendable, Hashable {
        /// 0...1; 0 when `errorCode` is set.
        public var riskScore: Float
        /// The breakdown's level; `.unspecified` when `errorCode` is set.
        public var level: AlertLevel
        /// Set when the daemon refused this item of a batch.
        public var errorCode: ErrorCode?
        /// Time the daemon spent on this transaction; 0 for a refused item.
        public var serverTimeMicroseconds: UInt32

        /// Creates a value with every field given.
        public init(riskScore: Float, level: AlertLevel, errorCode: ErrorCode? = nil, serverTimeMicroseconds: UInt32 = 0) {
            self.riskScore = riskScore
            self.level = level
            self.errorCode = errorCode
            self.serverTimeMicroseconds = serverTimeMicroseconds
        }
    }

    /// The request id the daemon echoed.
    public var requestID: UInt64
    /// What the response's body was.
    public var kind: Kind
    /// One item for `.breakdown`, one per transaction for `.breakdownBatch`; empty otherwise.
    public var items: [Item]

    /// Creates a value with every field given.
    public init(requestID: UInt64, kind: Kind, items: [Item] = []) {
        self.requestID = requestID
        self.kind = kind
        self.items = items
    }
}
