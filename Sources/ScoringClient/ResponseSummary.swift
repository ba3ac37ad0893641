import StreamifyWire

/// What the load generator needs from a response, decoded without building Swift strings.
public struct ResponseSummary: Sendable, Hashable {
    /// The shape of the answer.
    public enum Kind: Sendable, Hashable {
        /// One `RiskBreakdown` (`items` holds it).
        case breakdown
        /// A `BreakdownBatch` (`items` holds one entry per transaction, in request order).
        case breakdownBatch
        case ack
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
        public var level: AlertLevel
        /// Set when the daemon refused this item of a batch.
        public var errorCode: ErrorCode?
        public var serverTimeMicroseconds: UInt32

        public init(riskScore: Float, level: AlertLevel, errorCode: ErrorCode? = nil, serverTimeMicroseconds: UInt32 = 0) {
            self.riskScore = riskScore
            self.level = level
            self.errorCode = errorCode
            self.serverTimeMicroseconds = serverTimeMicroseconds
        }
    }

    public var requestID: UInt64
    public var kind: Kind
    public var items: [Item]

    public init(requestID: UInt64, kind: Kind, items: [Item] = []) {
        self.requestID = requestID
        self.kind = kind
        self.items = items
    }
}
