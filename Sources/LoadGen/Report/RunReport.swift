import SyntheticWorld
import Foundation
import StreamifyWire

/// The final report of a run: written as a table, and as JSON with `--report FILE`.
struct RunReport: Sendable, Codable {
    struct Settings: Sendable, Codable {
        var target: String
        var mode: String
        var rate: Double?
        var connections: Int
        var pipeline: Int
        var batch: Int
        var durationSeconds: Double?
        var count: Int?
        var warmupSeconds: Double
        var world: WorldConfiguration?
    }

    struct Throughput: Sendable, Codable {
        var transactionsPerSecond: Double
        var requestsPerSecond: Double
        var measuredTransactions: Int
        var measuredRequests: Int
        var measuredSeconds: Double
        var wallSeconds: Double
        var transactionsSent: Int
        var transactionsScored: Int
    }

    struct Generation: Sendable, Codable {
        var transactions: Int
        var feedback: Int
        var requests: Int
        var encodedBytes: Int
        var seconds: Double
        var transactionsPerSecond: Double
        /// Times a connection had nothing ready to send: loadgen itself fell behind.
        var starvedPolls: Int
        /// CPU seconds loadgen used while sending (background generation included).
        var cpuSeconds: Double
    }

    struct Feedback: Sendable, Codable {
        var sent: Int
        var acknowledged: Int
    }

    var settings: Settings
    var interrupted: Bool
    var throughput: Throughput
    /// Microseconds, from the intended send time (open loop) or the send time (closed loop).
    var latencyMicroseconds: LatencySummary
    /// The same for requests refused as a whole (OVERLOADED, DEADLINE_EXCEEDED, ...), not in `latencyMicroseconds`.
    var refusalLatencyMicroseconds: LatencySummary
    /// How late loadgen sent requests relative to their schedule, in microseconds (open loop).
    var sendLagMicroseconds: LatencySummary
    /// Error counts by name: daemon error codes, refused batch items, connection failures.
    var errors: [String: Int]
    var feedback: Feedback
    var generation: Generation
    /// `nil` when ground truth is unknown (a replay without labels).
    var detection: DetectionReport?
    var objective: ServiceLevelObjective
    var objectiveViolations: [String]

    var errorTotal: Int { errors.values.reduce(0, +) }

    init(settings: Settings, result: LoadRunResult, objective: ServiceLevelObjective) {
        let statistics = result.statistics
        self.settings = settings
        interrupted = result.interrupted
        throughput = Throughput(
            transactionsPerSecond: result.throughput,
            requestsPerSecond: result.measuredSeconds > 0 ? Double(statistics.measuredRequests) / result.measuredSeconds : 0,
            measuredTransactions: statistics.measuredTransactions, measuredRequests: statistics.measuredRequests,
            measuredSeconds: result.measuredSeconds, wallSeconds: result.wallSeconds,
            transactionsSent: statistics.transactionsSent, transactionsScored: statistics.scoredTransactions)
        latencyMicroseconds = statistics.latency.summary
        refusalLatencyMicroseconds = statistics.refusalLatency.summary
        sendLagMicroseconds = statistics.sendLag.summary
        var errors: [String: Int] = [:]
        for code in ErrorCode.allCases {
            let index = Int(code.rawValue)
            if statistics.requestErrors[index] > 0 { errors["\(code)"] = statistics.requestErrors[index] }
            if statistics.itemErrors[index] > 0 { errors["item.\(code)"] = statistics.itemErrors[index] }
        }
        if statistics.connectionFailures > 0 { errors["connection_failure"] = statistics.connectionFailures }
        if statistics.unexpectedResponses > 0 { errors["unexpected_response"] = statistics.unexpectedResponses }
        self.errors = errors
        feedback = Feedback(sent: statistics.feedbackSent, acknowledged: statistics.feedbackAcknowledged)
        let g = result.generation
        generation = Generation(
            transactions: g.transactions, feedback: g.feedback, requests: g.requests, encodedBytes: g.encodedBytes,
            seconds: g.seconds, transactionsPerSecond: g.transactionsPerSecond, starvedPolls: g.starvedPolls,
            cpuSeconds: result.cpuSeconds)
        detection = result.hasGroundTruth ? DetectionReport(statistics.detection) : nil
        self.objective = objective
        objectiveViolations = objective.violations(
            throughput: result.throughput, p99Microseconds: latencyMicroseconds.p99)
    }

    func json() throws -> Data {
        try ReportFormatting.json(self)
    }
}
