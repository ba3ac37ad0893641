import SyntheticWorld
import StreamifyWire

/// What one connection measured; merged across connections for the report.
struct WorkerStatistics: Sendable {
    /// Score requests' latency from their intended send time (open loop) or actual send time
    /// (closed loop) to their answer, after the warm-up; answers that scored (a breakdown or a batch).
    var latency = LatencyHistogram()
    /// The same for requests the daemon refused as a whole (OVERLOADED, DEADLINE_EXCEEDED, ...):
    /// how fast a shed request learns it was shed.
    var refusalLatency = LatencyHistogram()
    /// How late loadgen itself sent each request relative to its schedule (open loop).
    var sendLag = LatencyHistogram()
    var requestsSent = 0
    var transactionsSent = 0
    /// Score requests answered after the warm-up, and their transactions scored successfully.
    var measuredRequests = 0
    var measuredTransactions = 0
    /// All transactions scored, warm-up included.
    var scoredTransactions = 0
    /// Requests the daemon refused, by `ErrorCode.rawValue`.
    var requestErrors = [Int](repeating: 0, count: ErrorCode.allCases.count)
    /// Batch items the daemon refused, by `ErrorCode.rawValue`.
    var itemErrors = [Int](repeating: 0, count: ErrorCode.allCases.count)
    /// Requests lost to a connection failure.
    var connectionFailures = 0
    /// Answers of the wrong shape (a pong to a score, a batch of the wrong length).
    var unexpectedResponses = 0
    var feedbackSent = 0
    var feedbackAcknowledged = 0
    /// Monotonic time of the last measured answer.
    var lastCompletionNanos: UInt64 = 0
    var detection = DetectionTally()

    var errorCount: Int {
        requestErrors.reduce(0, +) + itemErrors.reduce(0, +) + connectionFailures + unexpectedResponses
    }

    mutating func merge(_ other: WorkerStatistics) {
        latency.merge(other.latency)
        refusalLatency.merge(other.refusalLatency)
        sendLag.merge(other.sendLag)
        requestsSent += other.requestsSent
        transactionsSent += other.transactionsSent
        measuredRequests += other.measuredRequests
        measuredTransactions += other.measuredTransactions
        scoredTransactions += other.scoredTransactions
        for index in requestErrors.indices {
            requestErrors[index] += other.requestErrors[index]
            itemErrors[index] += other.itemErrors[index]
        }
        connectionFailures += other.connectionFailures
        unexpectedResponses += other.unexpectedResponses
        feedbackSent += other.feedbackSent
        feedbackAcknowledged += other.feedbackAcknowledged
        lastCompletionNanos = max(lastCompletionNanos, other.lastCompletionNanos)
        detection.merge(other.detection)
    }
}
