import ArgumentParser
import Foundation
import KafkaSidecar
import StreamifyWire

/// `kafka-sidecar watch`: read the alert topic back and report detection quality and
/// end-to-end latency (transaction event time, stamped by `produce --realtime`, to alert receipt).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Read alerts back: levels, detection quality, end-to-end latency.")

    @Option(help: "HOST:PORT[,...]") var brokers: String
    @Option(help: "Alert topic.") var topic: String = "fraud_alerts"
    @Option(help: "protobuf|json (as the sidecar's --alert-format).") var format: String = "protobuf"
    @Option(help: "Ground-truth file from `produce --truth`.") var truth: String?
    @Option(help: "Transactions produced (for the false-positive rate).") var produced: Int?
    @Option(help: "Stop after this many seconds without a new alert.") var idleSeconds: Double = 5
    @Flag(help: "Read from the beginning (default: only alerts that arrive from now on).") var fromBeginning = false

    func run() async throws {
        guard let alertFormat = AlertFormat(rawValue: format) else { throw ValidationError("--format protobuf|json") }
        let consumer = try KafkaRecordConsumer(
            bootstrapServers: brokers, groupID: "streamify-watch-\(UUID().uuidString)", topics: [topic],
            fromBeginning: fromBeginning, settings: [("fetch.wait.max.ms", "10")])
        var levels: [String: Int] = [:]
        var alerted = Set<String>()
        var records = 0
        var latencies: [Int64] = []
        var lastAlert = Date()
        while Date().timeIntervalSince(lastAlert) < idleSeconds {
            guard let record = consumer.poll(timeoutMs: 100) else { continue }
            let received = Int64(Date().timeIntervalSince1970 * 1000)
            lastAlert = Date()
            records += 1
            let (id, level, eventTimeMs) = try Self.decode(record.value, format: alertFormat)
            levels[level, default: 0] += 1
            alerted.insert(id)
            latencies.append(received - eventTimeMs)
        }
        consumer.close()
        print("alerts: \(records) records, \(alerted.count) distinct transactions; by level: \(levels.sorted { $0.key < $1.key })")
        if !latencies.isEmpty {
            latencies.sort()
            func percentile(_ p: Double) -> Int64 { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print("produce → alert latency (ms, needs produce --realtime): p50 \(percentile(0.5)) p90 \(percentile(0.9)) "
                + "p99 \(percentile(0.99)) max \(latencies.last!)")
        }
        if let truth {
            let anomalous = Set(try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n").map(String.init))
            let hits = alerted.intersection(anomalous).count
            let precision = alerted.isEmpty ? 0 : Double(hits) / Double(alerted.count)
            let recall = anomalous.isEmpty ? 0 : Double(hits) / Double(anomalous.count)
            var line = "detection: \(hits) of \(anomalous.count) anomalous alerted (recall \(String(format: "%.3f", recall))), "
                + "precision \(String(format: "%.3f", precision))"
            if let produced, produced > anomalous.count {
                let falsePositives = alerted.count - hits
                line += ", false-positive rate \(String(format: "%.4f", Double(falsePositives) / Double(produced - anomalous.count)))"
            }
            print(line)
        }
    }

    private struct JSONAlert: Decodable {
        var transaction_id: String
        var level: String
        var event_time_ms: Int64
    }

    static func decode(_ value: [UInt8], format: AlertFormat) throws -> (String, String, Int64) {
        switch format {
        case .protobuf:
            let alert = try value.withUnsafeBytes { try WireCodec.decodeFraudAlert($0) }
            return (alert.transaction.transactionID, "\(alert.breakdown.level)".uppercased(), alert.transaction.eventTimeMs)
        case .json:
            let alert = try JSONDecoder().decode(JSONAlert.self, from: Data(value))
            return (alert.transaction_id, alert.level, alert.event_time_ms)
        }
    }
}
