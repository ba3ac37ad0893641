import ArgumentParser
import Foundation
import ScoringClient

/// `loadgen floor`: the round-trip floor of this host, measured against an echo server, and
/// optionally the daemon's round trip from the same client.
struct FloorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Measure this host's one-at-a-time round trip against an echo server: the floor under the daemon's.",
        discussion: """
            Starts a server that answers every frame with the frame itself (blocking calls, a thread of its own, a Unix socket in a fresh temporary directory) and sends it the synthetic world's scoring requests one at a time from a blocking client. No server can answer faster on this host. With --target, the same client then sends the same requests to the daemon, so the difference between the two rows is the daemon's own share. Also prints how the host's idle CPUs wait: on a virtual machine the wake-ups of idle vCPUs are most of such a round trip (docs/performance.md §25).
            """)

    @Option(help: "Round trips measured.")
    var roundTrips: Int = 200_000

    @Option(help: "Round trips before measuring starts.")
    var warmup: Int = 5_000

    @Option(help: "Also measure the daemon at unix:PATH with the same client and requests.")
    var target: String?

    func validate() throws {
        guard roundTrips >= 1 else { throw ValidationError("--round-trips must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        if let target { _ = try Self.daemonPath(target) }
    }

    func run() throws {
        let client = BlockingRoundTrips(warmup: warmup, roundTrips: roundTrips)
        var rows = [ReportFormatting.latencyHeader, ReportFormatting.latencyRow("echo server (floor)", try Self.measureAgainstEcho(client).summary)]
        if let target {
            let path = try Self.daemonPath(target)
            rows.append(ReportFormatting.latencyRow("daemon", try client.measure(unixPath: path, server: .daemon).summary))
        }
        print("host: \(HostIdleSettings.current().summary)")
        print("one scoring request at a time from a blocking client over a Unix socket")
        print(ReportFormatting.table(rows))
    }

    /// The socket path of a `unix:PATH` target; anything else is refused.
    private static func daemonPath(_ target: String) throws -> String {
        do {
            guard case .unix(let path) = try ScoringTarget(parsing: target) else {
                throw ValidationError("--target must be unix:PATH: the floor is measured over a Unix socket")
            }
            return path
        } catch let error as ScoringClientError {
            throw ValidationError("--target: \(error)")
        }
    }

    /// Runs `client` against a fresh `EchoServer` (answering with `answer`, by default the echo)
    /// in a temporary directory of its own.
    static func measureAgainstEcho(
        _ client: BlockingRoundTrips, answer: (@Sendable ([UInt8]) -> [UInt8])? = nil
    ) throws -> LatencyHistogram {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-floor-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try EchoServer(path: directory.appendingPathComponent("echo.sock").path, answer: answer)
        let measured = Result { try client.measure(unixPath: server.path, server: .echo) }
        let serverFailure = server.stop()
        // The client's failure first: a server that failed after it only saw the client go.
        let latencies = try measured.get()
        if let serverFailure { throw BlockingSocket.Failure(description: "echo server: \(serverFailure)") }
        return latencies
    }
}
