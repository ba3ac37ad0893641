import SyntheticWorld
import ArgumentParser
import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

@testable import LoadGen

@Suite("Command line: generate, replay, run, SLO", .serialized, .timeLimit(.minutes(1)))
struct CommandLineTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-\(UUID().uuidString.prefix(8))-\(name)").path
    }

    static func firstTransactions(_ configuration: WorldConfiguration, count: Int) -> [StreamItem] {
        var stream = TransactionStream(configuration: configuration)
        var items: [StreamItem] = []
        var transactions = 0
        while transactions < count {
            let item = stream.next()
            if case .transaction = item { transactions += 1 }
            items.append(item)
        }
        return items
    }

    @Test(arguments: [WorkloadFileFormat.frames, .jsonl])
    func generatedFilesReadBackAsTheSameStream(format: WorkloadFileFormat) throws {
        let world = WorldConfiguration(seed: 21, cardCount: 800, merchantCount: 200, fraudRate: 0.03, feedbackDelayMs: 600_000)
        let path = Self.temporaryPath("workload.\(format.rawValue)")
        let labels = format == .frames ? WorkloadFileFormat.defaultLabelsPath(for: path) : nil
        defer {
            try? FileManager.default.removeItem(atPath: path)
            if let labels { try? FileManager.default.removeItem(atPath: labels) }
        }
        _ = try GenerateCommand.generate(configuration: world, count: 3_000, path: path, format: format, labelsPath: labels)
        let expected = Self.firstTransactions(world, count: 3_000)
        let workload = try WorkloadFileReader.read(path: path, labelsPath: nil)
        #expect(workload.hasGroundTruth)
        #expect(workload.items.count == expected.count)
        for (read, original) in zip(workload.items, expected) {
            switch (read, original) {
            case (.transaction(let a), .transaction(let b)):
                #expect(a.transaction == b.transaction)
                #expect(a.truth == b.truth && a.knownTruth)
            case (.feedback(let a, _), .feedback(let b, _)):
                #expect(a == b)
            default:
                Issue.record("item kinds differ: \(read) vs \(original)")
            }
        }
    }

    @Test func framesWithoutLabelsReplayWithoutDetection() throws {
        let path = Self.temporaryPath("unlabelled.frames")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try GenerateCommand.generate(
            configuration: WorldConfiguration(seed: 1, cardCount: 100, merchantCount: 50), count: 100, path: path,
            format: .frames, labelsPath: nil)
        let workload = try WorkloadFileReader.read(path: path, labelsPath: nil)
        #expect(!workload.hasGroundTruth)
        #expect(workload.items.count == 100)
    }

    @Test func replayCommandWritesAJSONReport() async throws {
        let server = try await FakeScoringServer.start()
        let path = Self.temporaryPath("replay.frames")
        let report = Self.temporaryPath("report.json")
        defer {
            for file in [path, WorkloadFileFormat.defaultLabelsPath(for: path), report] { try? FileManager.default.removeItem(atPath: file) }
        }
        var generate = try LoadGen.parseAsRoot(["generate", "--count", "1500", "--output", path, "--cards", "300", "--merchants", "100", "--fraud-rate", "0.05"])
        try generate.run()
        var replay = try #require(
            try LoadGen.parseAsRoot([
                "replay", path, "--target", "unix:\(server.socketPath)", "--rate", "5000", "--connections", "2",
                "--report", report, "--quiet",
            ]) as? any AsyncParsableCommand)
        try await replay.run()
        try await server.stop()

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        let throughput = json["throughput"] as! [String: Any]
        #expect(throughput["transactionsScored"] as? Int == 1_500)
        let detection = try #require(json["detection"] as? [String: Any])
        #expect(detection["transactions"] as? Int == 1_500)
        #expect((detection["fraud"] as? Int ?? 0) > 30)
        let latency = json["latencyMicroseconds"] as! [String: Any]
        #expect((latency["count"] as? Int) == 1_500)
        #expect((latency["p50"] as? Int ?? 0) > 0)
        #expect((json["errors"] as? [String: Any])?.isEmpty == true)
    }

    @Test func runExitsWithStatusThreeWhenTheSLOIsMissed() async throws {
        let server = try await FakeScoringServer.start()
        let target = "unix:\(server.socketPath)"
        var met = try #require(
            try LoadGen.parseAsRoot([
                "run", "--target", target, "--rate", "2000", "--count", "400", "--cards", "200", "--quiet",
                "--expect-throughput", "100", "--expect-p99-us", "5000000",
            ]) as? any AsyncParsableCommand)
        try await met.run()
        var missed = try #require(
            try LoadGen.parseAsRoot([
                "run", "--target", target, "--rate", "2000", "--count", "400", "--cards", "200", "--quiet",
                "--expect-p99-us", "1", "--expect-throughput", "1000000",
            ]) as? any AsyncParsableCommand)
        await #expect(throws: ExitCode(3)) { try await missed.run() }
        try await server.stop()
    }

    @Test(arguments: [
        ["run", "--target", "nowhere"],
        ["run", "--target", "unix:/x", "--rate", "10", "--max"],
        ["run", "--target", "unix:/x", "--duration", "soon"],
        ["run", "--target", "unix:/x", "--fraud-rate", "2"],
        ["run", "--target", "unix:/x", "--pregenerate", "-1"],
        ["generate", "--count", "10", "--output", "/tmp/x", "--format", "xml"],
        ["run", "--target", "unix:/x", "--tls-ca", "/tmp/ca.pem"],
        ["run", "--target", "tcp://127.0.0.1:7411", "--tls-ca", "/tmp/ca.pem", "--tls-cert", "/tmp/c.pem"],
    ])
    func invalidArgumentsAreRejected(arguments: [String]) {
        #expect(throws: (any Error).self) { try LoadGen.parseAsRoot(arguments) }
    }
}
