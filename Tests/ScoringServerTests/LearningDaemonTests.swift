import Foundation
import StreamifyWire
import ScoringTestSupport
import Testing

@Suite("Online learning (real binary, .offCooperativePool)")
struct LearningDaemonTests {
    static let modelJSON = """
        {"version": "learn-1", "combiner": "logistic",
         "logistic": {"bias": -5, "coefficients": {"amount_score": 6, "velocity_score": 6, "geographic_score": 6,
                                                    "device_score": 6, "pattern_score": 6}},
         "thresholds": {"medium": 0.3, "high": 0.6, "critical": 0.85}}
        """

    static func transaction(_ index: Int) -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: "card-\(index)", merchantID: "merchant-\(index % 3)", amountMinor: 4_500,
            currency: "USD", eventTimeMs: Fixtures.start + Int64(index) * 60_000, country: "US", deviceID: "device-\(index)",
            merchantCategory: "5411", paymentMethod: "bnpl", channel: .online)
    }

    static func label(_ index: Int, reportedIndex: Int) -> Request {
        Request(
            requestID: UInt64(1_000 + index),
            body: .feedback(
                Feedback(
                    transactionID: "tx-\(index)", cardID: "card-\(index)", merchantID: "merchant-\(index % 3)", label: .fraud,
                    eventTimeMs: Fixtures.start + Int64(index) * 60_000,
                    reportedTimeMs: Fixtures.start + Int64(reportedIndex) * 60_000)))
    }

    static func run(freeze: Bool) throws -> (versions: [String], snapshot: [String: Any]?, metrics: String) {
        let directory = try makeTestDirectory("streamify-learn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelPath = directory.appendingPathComponent("model.json").path
        let snapshotPath = directory.appendingPathComponent("learned.json").path
        try Self.modelJSON.write(toFile: modelPath, atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess.start(
            arguments: ["--model", modelPath, "--learning-snapshot", snapshotPath, "--metrics", "127.0.0.1:0"]
                + (freeze ? ["--freeze-learning"] : []) + DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath)
        var versions: [String] = []
        for index in 0..<30 {
            let answer = try connection.call(Request(requestID: UInt64(index), body: .score(Self.transaction(index))))
            let breakdown = try #require(Fixtures.breakdown(answer), "\(answer)")
            versions.append(breakdown.modelVersion)
            let total = breakdown.factors.reduce(Float(0)) { $0 + $1.contribution }
            #expect(abs(total - breakdown.riskScore) < 1e-5)
        }
        for index in 0..<30 {
            #expect(try connection.call(Self.label(index, reportedIndex: 29)).body == .ack(.applied))
        }
        // Duplicates are acknowledged too, as duplicates (and change nothing).
        #expect(try connection.call(Self.label(3, reportedIndex: 29)).body == .ack(.duplicate))
        let after = try #require(Fixtures.breakdown(try connection.call(Request(requestID: 99, body: .score(Self.transaction(40))))))
        versions.append(after.modelVersion)
        let metrics = try httpGet(port: try #require(daemon.metricsPort), path: "/metrics")
        #expect(daemon.terminate() == 0)
        guard let data = FileManager.default.contents(atPath: snapshotPath) else { return (versions, nil, metrics) }
        return (versions, try JSONSerialization.jsonObject(with: data) as? [String: Any], metrics)
    }

    @Test("a challenger learns from feedback beside a logistic champion and is written as a model file at shutdown")
    func learns() throws {
        let (versions, snapshot, metrics) = try Self.run(freeze: false)
        #expect(metrics.contains(#"streamify_labels_total{disposition="applied"} 30"#), "\(metrics)")
        #expect(metrics.contains(#"streamify_labels_total{disposition="duplicate"} 1"#), "\(metrics)")
        // Frauds only, nothing matured: the challenger cannot be judged yet, so the champion answers.
        #expect(versions.allSatisfy { $0 == "learn-1" }, "\(versions)")
        #expect(metrics.contains("streamify_challenger_serving 0"), "\(metrics)")
        // No legitimate outcome yet: no ranking to measure, and the quality gauges say so (as
        // swift-prometheus writes NaN; Prometheus reads it case-blind).
        #expect(metrics.contains(#"streamify_model_roc_auc{model="champion"} nan"#), "\(metrics)")
        #expect(metrics.contains(#"streamify_model_average_precision{model="challenger"} nan"#), "\(metrics)")
        let file = try #require(snapshot)
        // 30 labels, a version every 25; the 5 updates since are published by the snapshot itself.
        #expect(file["version"] as? String == "learn-1+online.2")
        #expect(file["combiner"] as? String == "logistic")
        let coefficients = try #require((file["logistic"] as? [String: Any])?["coefficients"] as? [String: Double])
        #expect((coefficients["method_buy_now_pay_later"] ?? 0) > 0)
    }

    @Test("--freeze-learning keeps the loaded model")
    func frozen() throws {
        let (versions, snapshot, _) = try Self.run(freeze: true)
        #expect(versions.allSatisfy { $0 == "learn-1" })
        let file = try #require(snapshot)
        #expect(file["version"] as? String == "learn-1")
        let coefficients = try #require((file["logistic"] as? [String: Any])?["coefficients"] as? [String: Double])
        #expect(coefficients["method_buy_now_pay_later"] == nil)
    }
}
