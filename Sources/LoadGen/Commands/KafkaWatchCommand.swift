import RDKafka
import ArgumentParser
import Foundation

import StreamifyWire

/// `loadgen kafka-watch`: reads the sidecar's alert topic and reports detection quality and
/// produce → alert latency against the truth file written by `loadgen produce --truth`.
struct KafkaWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-watch",
        abstract: "Read alerts from Kafka: detection quality and produce → alert latency (sidecar mode).",
        discussion: """
            Start it before `loadgen produce` (it reads alerts that arrive from then on, or --from-beginning),
            and give it the same --truth file. It stops after --idle-seconds without a new alert.
            Latency is the alert's arrival here minus the transaction's send time in `loadgen produce`.
            """)

    @Option(help: "Bootstrap servers, HOST:PORT[,...].") var brokers: String
    @Option(help: "Alert topic.") var topic: String = "fraud_alerts"
    @Option(help: "protobuf or json (the sidecar's --alert-format).") var format: String = "protobuf"
    @Option(help: "Truth file from `loadgen produce --truth`.") var truth: String
    @Option(help: "Stop after this many seconds without a new alert.") var idleSeconds: Double = 5
    @Flag(help: "Read the topic from its beginning.") var fromBeginning = false

    private struct TruthLine: Decodable {
        var transaction_id: String
        var fraud: Bool
        var sent_ms: Int64
    }

    private struct JSONAlert: Decodable {
        var transaction_id: String
        var level: String
    }

    func run() async throws {
        guard let alertFormat = AlertFormat(rawValue: format) else { throw ValidationError("--format must be protobuf or json") }
        let consumer = try KafkaRecordConsumer(
            bootstrapServers: brokers, groupID: "loadgen-watch-\(UUID().uuidString)", topics: [topic],
            fromBeginning: fromBeginning, settings: [("fetch.wait.max.ms", "10")])
        var arrivals: [String: Int64] = [:]
        var levels: [String: Int] = [:]
        var records = 0
        var last = Date()
        while Date().timeIntervalSince(last) < idleSeconds {
            guard let record = consumer.poll(timeoutMs: 100) else { continue }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            last = Date()
            records += 1
            let id: String
            let level: String
            switch alertFormat {
            case .protobuf:
                let alert = try record.value.withUnsafeBytes { try WireCodec.decode(FraudAlert.self, from: $0) }
                id = alert.transaction.transactionID
                level = "\(alert.breakdown.level)".uppercased()
            case .json:
                let alert = try JSONDecoder().decode(JSONAlert.self, from: Data(record.value))
                id = alert.transaction_id
                level = alert.level
            }
            if arrivals[id] == nil { arrivals[id] = now }
            levels[level, default: 0] += 1
        }
        consumer.close()

        var truthByID: [String: TruthLine] = [:]
        let decoder = JSONDecoder()
        for line in try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n") {
            let entry = try decoder.decode(TruthLine.self, from: Data(line.utf8))
            truthByID[entry.transaction_id] = entry
        }
        let fraud = truthByID.values.filter(\.fraud).count
        var truePositives = 0
        var latencies: [Int64] = []
        var unknown = 0
        for (id, arrival) in arrivals {
            guard let entry = truthByID[id] else {
                unknown += 1
                continue
            }
            if entry.fraud { truePositives += 1 }
            latencies.append(arrival - entry.sent_ms)
        }
        let alerted = arrivals.count - unknown
        let falsePositives = alerted - truePositives
        print("alerts: \(records) records, \(arrivals.count) transactions (\(unknown) not in the truth file); by level: "
            + levels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print(String(
            format: "detection: recall %.3f (%d of %d fraud), precision %.3f, false-positive rate %.4f (%d of %d legitimate)",
            fraud == 0 ? 0 : Double(truePositives) / Double(fraud), truePositives, fraud,
            alerted == 0 ? 0 : Double(truePositives) / Double(alerted),
            Double(falsePositives) / Double(max(truthByID.count - fraud, 1)), falsePositives, truthByID.count - fraud))
        if !latencies.isEmpty {
            latencies.sort()
            func percentile(_ p: Double) -> Int64 { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print("produce → alert latency: p50 \(percentile(0.5)) ms, p90 \(percentile(0.9)) ms, p99 \(percentile(0.99)) ms, "
                + "max \(latencies.last!) ms")
        }
    }
}
