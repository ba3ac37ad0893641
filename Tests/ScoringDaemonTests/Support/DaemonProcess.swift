import Foundation

/// The real `scoring-server` binary, started as a child process on a temporary Unix socket and a
/// free loopback TCP port. Stopped with SIGTERM (or killed) when the test is done.
final class DaemonProcess {
    let process = Process()
    let directory: URL
    let socketPath: String
    let logPath: String
    private(set) var tcpPort: Int = 0
    private(set) var metricsPort: Int?

    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// The binary built next to the test bundle.
    static var binaryPath: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("scoring-server").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/scoring-server").path
    }

    init(arguments: [String] = [], socketName: String = "streamify.sock", directory: URL? = nil) throws {
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("streamify-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        socketPath = self.directory.appendingPathComponent(socketName).path
        logPath = self.directory.appendingPathComponent("daemon-\(UUID().uuidString.prefix(4)).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = ["--unix", socketPath, "--tcp", "127.0.0.1:0", "--log-format", "json", "--event-loops", "2"] + arguments
        let log = FileHandle(forWritingAtPath: logPath)!
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Starts a daemon and waits until it listens.
    static func start(arguments: [String] = []) throws -> DaemonProcess {
        let daemon = try DaemonProcess(arguments: arguments)
        try daemon.waitUntilListening()
        return daemon
    }

    func waitUntilListening(timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for line in logLines() where line["message"] as? String == "listening" {
                if let tcp = line["tcp"] as? String, let port = tcp.split(separator: ":").last.flatMap({ Int($0) }) {
                    tcpPort = port
                }
                if let metrics = line["metrics"] as? String, metrics != "off" {
                    metricsPort = metrics.split(separator: ":").last.flatMap { Int($0) }
                }
                return
            }
            guard process.isRunning else {
                throw StartFailed(description: "daemon exited with \(process.terminationStatus): \(log)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw StartFailed(description: "daemon did not listen within \(timeout) s: \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The daemon's JSON log lines.
    func logLines() -> [[String: Any]] {
        log.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    @discardableResult
    func terminate(timeout: TimeInterval = 15) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        return waitForExit(timeout: timeout)
    }

    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
