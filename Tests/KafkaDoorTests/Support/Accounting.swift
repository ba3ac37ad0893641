import CStreamifyProto
import Foundation
import StreamifyWire
@testable import KafkaDoor

/// What the output topics say happened to every input, and the checks on it.
struct Accounting {
    var scores: [(partition: Int32, offset: Int64, breakdown: RiskBreakdown)] = []
    var alerts: [FraudAlert] = []
    var deadLetters: [DeadLetterJSON] = []

    static func read(bootstrap: String, configuration: KafkaDoorConfiguration, partitions: Int) throws -> Accounting {
        var accounting = Accounting()
        for record in try TestTopics.readAll(bootstrap: bootstrap, topic: configuration.scoresTopic!, partitions: partitions) {
            let breakdown = try record.value.withUnsafeBytes { try decodeBreakdown($0) }
            accounting.scores.append((record.partition, record.offset, breakdown))
        }
        for record in try TestTopics.readAll(bootstrap: bootstrap, topic: configuration.alertTopic, partitions: partitions) {
            accounting.alerts.append(try record.value.withUnsafeBytes { try WireCodec.decode(FraudAlert.self, from: $0) })
        }
        for record in try TestTopics.readAll(
            bootstrap: bootstrap, topic: configuration.effectiveDeadLetterTopic, partitions: partitions)
        {
            accounting.deadLetters.append(try JSONDecoder().decode(DeadLetterJSON.self, from: Data(record.value)))
        }
        return accounting
    }

    var scoredIDs: Set<String> { Set(scores.map(\.breakdown.transactionID)) }
    /// Score records beyond the first per transaction: the at-least-once duplicates.
    var duplicateScores: Int { scores.count - scoredIDs.count }
    var uniqueDeadLetters: Int { Set(deadLetters.map { "\($0.sourcePartition)/\($0.sourceOffset)" }).count }

    /// Problems with alerts: the final scoring of each transaction (last score record in its
    /// partition) must have an alert with the identical breakdown exactly when it reached `level`.
    func alertProblems(level: AlertLevel) -> [String] {
        var last: [String: (Int32, Int64, RiskBreakdown)] = [:]
        for score in scores {
            let id = score.breakdown.transactionID
            if let existing = last[id], (existing.0, existing.1) > (score.partition, score.offset) { continue }
            last[id] = (score.partition, score.offset, score.breakdown)
        }
        let alerted = Set(alerts.map(\.breakdown))
        var problems: [String] = []
        for (id, (_, _, breakdown)) in last where breakdown.level >= level && !alerted.contains(breakdown) {
            let others = alerts.filter { $0.breakdown.transactionID == id }.map(\.breakdown.level)
            let scored = scores.filter { $0.breakdown.transactionID == id }.map { "\($0.breakdown.level)@\($0.partition)/\($0.offset)" }
            problems.append("no alert for \(id) at \(breakdown.level) (alerts for it: \(others); scores: \(scored))")
        }
        for alert in alerts where alert.breakdown.level < level {
            problems.append("alert below level for \(alert.transaction.transactionID)")
        }
        return problems
    }
}

/// Decodes a `streamify.v1.RiskBreakdown` (the scores topic's protobuf format).
func decodeBreakdown(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> RiskBreakdown {
    let arena = MessageArena(capacity: 4096)
    guard
        let c = streamify__v1__risk_breakdown__unpack(
            arena.allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
    else { throw WireError(code: .malformed, message: "not a RiskBreakdown") }
    return RiskBreakdown(protobufC: c)
}
