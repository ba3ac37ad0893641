import SyntheticWorld
import Foundation
import ScoringTestSupport
import Testing

@testable import LoadGen

@Suite("Report rendering", .offCooperativePool)
struct ReportRenderingTests {
    static func result() -> LoadRunResult {
        var statistics = WorkerStatistics()
        for value in 1...1_000 { statistics.latency.record(microseconds: UInt64(value)) }
        statistics.measuredTransactions = 1_000
        statistics.measuredRequests = 1_000
        statistics.scoredTransactions = 1_000
        statistics.transactionsSent = 1_002
        statistics.requestErrors[Int(4)] = 2  // overloaded
        statistics.detection.record(score: 0.9, levelRawValue: 4, truthCode: FraudScenario.cardTesting.code)
        statistics.detection.record(score: 0.1, levelRawValue: 1, truthCode: 0)
        return LoadRunResult(
            statistics: statistics, generation: GenerationStatistics(transactions: 1_002, requests: 1_002, seconds: 0.01),
            measuredSeconds: 0.5, wallSeconds: 0.6, interrupted: false, hasGroundTruth: true)
    }

    static let settings = RunReport.Settings(
        target: "unix:/tmp/x.sock", mode: "open_loop", rate: 2_000, connections: 2, pipeline: 8, batch: 1,
        durationSeconds: 0.5, count: nil, warmupSeconds: 0, world: WorldConfiguration())

    @Test func tableShowsEverySection() {
        let report = RunReport(settings: Self.settings, result: Self.result(), objective: ServiceLevelObjective(throughput: 5_000))
        let table = report.table
        for expected in [
            "Throughput", "2000.0", "Latency", "p99.9", "Errors", "overloaded", "Detection", "ROC AUC 1.000",
            "card_testing", "critical", "Load generator", "loadgen CPU", "SLO: MISSED", "throughput 2,000/s is below the expected 5,000/s",
        ] {
            #expect(table.contains(expected), "missing \(expected)")
        }
        #expect(report.errors == ["overloaded": 2])
        #expect(report.errorTotal == 2)
    }

    @Test func jsonRoundTrips() throws {
        let report = RunReport(settings: Self.settings, result: Self.result(), objective: ServiceLevelObjective())
        let decoded = try JSONDecoder().decode(RunReport.self, from: try report.json())
        #expect(decoded.latencyMicroseconds == report.latencyMicroseconds)
        #expect(decoded.detection == report.detection)
        #expect(decoded.throughput.transactionsPerSecond == 2_000)
        #expect(decoded.objectiveViolations.isEmpty)
        #expect(decoded.settings.world == WorldConfiguration())
    }

    @Test func replaysWithoutLabelsHaveNoDetectionSection() {
        var result = Self.result()
        result.hasGroundTruth = false
        let report = RunReport(settings: Self.settings, result: result, objective: ServiceLevelObjective())
        #expect(report.detection == nil)
        #expect(!report.table.contains("ROC AUC"))
    }
}

/// The same seed must give the same bytes in separate processes too (no dependence on
/// per-process hashing or on the clock): run the built `loadgen` binary twice.
@Suite("Determinism across processes", .offCooperativePool)
struct CrossProcessDeterminismTests {
    static let binary: String? = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [directory.appendingPathComponent("loadgen").path, FileManager.default.currentDirectoryPath + "/.build/debug/loadgen"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static func generate(seed: Int, to path: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary!)
        process.arguments = ["generate", "--count", "3000", "--output", path, "--seed", "\(seed)", "--cards", "500", "--feedback-delay", "30m"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: binary != nil, "the loadgen binary is not built next to the tests"), .timeLimit(.minutes(1)))
    func sameSeedSameFileInTwoProcesses() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-determinism-\(UUID().uuidString.prefix(8))").path
        let paths = [base + "-a.frames", base + "-b.frames", base + "-c.frames"]
        defer {
            for path in paths {
                try? FileManager.default.removeItem(atPath: path)
                try? FileManager.default.removeItem(atPath: path + ".labels.jsonl")
            }
        }
        #expect(try Self.generate(seed: 77, to: paths[0]) == 0)
        #expect(try Self.generate(seed: 77, to: paths[1]) == 0)
        #expect(try Self.generate(seed: 78, to: paths[2]) == 0)
        let first = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        #expect(first.count > 100_000)
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: paths[1]))))
        #expect(first != (try Data(contentsOf: URL(fileURLWithPath: paths[2]))))
        let labels = try Data(contentsOf: URL(fileURLWithPath: paths[0] + ".labels.jsonl"))
        #expect(labels == (try Data(contentsOf: URL(fileURLWithPath: paths[1] + ".labels.jsonl"))))
    }
}
