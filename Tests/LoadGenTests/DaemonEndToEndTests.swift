import SyntheticWorld
import Foundation
import ScoringClient
import ScoringTestSupport
import Testing

@testable import LoadGen

/// Finds the `scoring-server` binary built next to the tests, if it is the real daemon.
enum DaemonBinary {
    static let candidates: [String] = {
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [
            testBundle.appendingPathComponent("scoring-server").path,
            testBundle.deletingLastPathComponent().appendingPathComponent("scoring-server").path,
            FileManager.default.currentDirectoryPath + "/.build/debug/scoring-server",
        ]
    }()

    /// The path of a `scoring-server` whose `--help` offers `--unix`, or `nil`.
    static let path: String? = candidates.first { path in
        FileManager.default.isExecutableFile(atPath: path) && help(of: path).contains("--unix")
    }

    static var skipReason: String {
        "scoring-server not found (or not yet the real daemon: its --help lacks --unix) at \(candidates.joined(separator: ", ")); build it with `swift build --product scoring-server`"
    }

    private static func help(of path: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return "" }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            return ""
        }
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

@Suite("End to end against the real scoring-server", .serialized, .offCooperativePool)
struct DaemonEndToEndTests {
    @Test(
        "3,000 transactions through the real daemon give a sane report",
        .enabled(if: DaemonBinary.path != nil, Comment(rawValue: DaemonBinary.skipReason)),
        .timeLimit(.minutes(2)))
    func shortRunAgainstTheRealDaemon() async throws {
        let daemon = try DaemonProcess.start(arguments: ["--tcp", "off"] + DaemonProcess.scoreEverything)
        let socket = daemon.socketPath

        var configuration = LoadConfiguration(target: .unix(path: socket))
        configuration.connections = 2
        configuration.pipeline = 32
        configuration.rate = 3_000
        configuration.count = 3_000
        configuration.durationSeconds = nil
        let world = WorldConfiguration(seed: 2026, cardCount: 1_000, merchantCount: 300, fraudRate: 0.03, transactionsPerSecond: 3_000)
        let result = try await LoadRunner.run(configuration, source: TransactionStream(configuration: world), control: RunControl())
        let report = RunReport(
            settings: .init(target: "unix:\(socket)", mode: "open_loop", rate: 3_000, connections: 2, pipeline: 32, batch: 1, durationSeconds: nil, count: 3_000, warmupSeconds: 0, world: world),
            result: result, objective: ServiceLevelObjective())
        print(report.table)

        #expect(!result.interrupted)
        #expect(result.statistics.connectionFailures == 0)
        #expect(result.statistics.transactionsSent == 3_000)
        #expect(result.statistics.scoredTransactions + report.errorTotal >= 3_000)
        #expect(result.statistics.scoredTransactions >= 2_900, "scored \(result.statistics.scoredTransactions), errors \(report.errors)")
        #expect(report.latencyMicroseconds.count > 2_900)
        #expect(report.latencyMicroseconds.p50 > 0 && report.latencyMicroseconds.p50 <= report.latencyMicroseconds.p99)
        #expect(report.latencyMicroseconds.p99 <= report.latencyMicroseconds.max)
        // An open loop cannot run ahead of its schedule; how far behind it falls depends on the
        // machine, which a test must not judge (speed lives in benchmarks and reports).
        #expect(report.throughput.transactionsPerSecond > 0)
        #expect(report.throughput.transactionsPerSecond <= 3_000 * 1.1)
        let detection = try #require(report.detection)
        #expect(detection.fraud > 30)
        let auc = try #require(detection.rocAUC)
        #expect((0...1).contains(auc))

        // Graceful shutdown on SIGTERM.
        #expect(daemon.terminate(timeout: 10) == 0, "scoring-server did not exit 0 within 10 s of SIGTERM")
    }

    @Test(
        "The floor's blocking client scores one request at a time against the real daemon",
        .enabled(if: DaemonBinary.path != nil, Comment(rawValue: DaemonBinary.skipReason)),
        .timeLimit(.minutes(1)))
    func floorClientAgainstTheRealDaemon() throws {
        let daemon = try DaemonProcess.start(arguments: ["--tcp", "off"] + DaemonProcess.scoreEverything)
        let client = BlockingRoundTrips(warmup: 20, roundTrips: 500)
        // Every answer is checked: a breakdown carrying its request's id.
        let latencies = try client.measure(unixPath: daemon.socketPath, server: .daemon)
        #expect(latencies.count == 500)
        #expect(daemon.terminate(timeout: 10) == 0, "scoring-server did not exit 0 within 10 s of SIGTERM")
    }
}
