import Foundation

/// The real `scoring-server` binary as a child process, on a temporary Unix socket and a free
/// loopback TCP port, logging JSON to a file the test can read. Killed when released.
///
/// Started with `posix_spawn` and a clean signal mask: Foundation's `Process` passes on the
/// spawning thread's blocked signals, and test runner threads block SIGTERM, so a daemon
/// started that way could never be stopped with SIGTERM.
public final class DaemonProcess: @unchecked Sendable {
    public let pid: pid_t
    /// A directory of its own, removed when the process object goes.
    public let directory: URL
    public let socketPath: String
    public let logPath: String
    /// The TCP port it bound (known once `waitUntilListening` returned).
    public private(set) var tcpPort: Int = 0
    /// The metrics port, when `--metrics` was given.
    public private(set) var metricsPort: Int?
    /// The raw wait status, once it has exited and been reaped.
    public private(set) var waitStatus: Int32?

    public struct StartFailed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The binary built next to the test bundle.
    public static var binaryPath: String { builtProgramPath("scoring-server") }

    /// Starts the daemon on `socketName` in a new directory and a free TCP port, then `arguments`.
    ///
    /// Unless `arguments` name a `--max-queue-delay`, the daemon gets `testQueueDelay`: the
    /// production default (5 ms, shedding once a loop is 1.7 ms behind) sheds requests on a busy
    /// CI host, which only the tests of admission control want, and they name it.
    public convenience init(arguments: [String] = [], socketName: String = "streamify.sock") throws {
        let queueDelay = arguments.contains { $0.hasPrefix("--max-queue-delay") } ? [] : ["--max-queue-delay", Self.testQueueDelay]
        try self.init(socketName: socketName) { socketPath in
            ["--unix", socketPath, "--tcp", "127.0.0.1:0", "--log-format", "json", "--event-loops", "2"] + queueDelay + arguments
        }
    }

    /// The admission budget of daemons whose test does not name one.
    public static let testQueueDelay = "250ms"

    /// Starts the daemon with exactly `arguments` (for tests of its command line and its socket
    /// file); `socketPath` is then only where a test may point it.
    public convenience init(exactArguments arguments: [String]) throws {
        try self.init(socketName: "streamify.sock") { _ in arguments }
    }

    private init(socketName: String, arguments: (String) -> [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("streamify-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent(socketName).path
        logPath = directory.appendingPathComponent("daemon.log").path
        pid = try Self.spawn(Self.binaryPath, arguments: arguments(socketPath), logPath: logPath)
    }

    /// Turns admission control off, for tests that pipeline a backlog on purpose and need every
    /// request scored: `--max-queue-delay` would shed it, by design (`OverloadTests`), and a debug
    /// build falls 5 ms behind within a few dozen requests.
    public static let scoreEverything = ["--max-queue-delay", "off"]

    /// Starts a daemon and waits until it listens.
    public static func start(arguments: [String] = []) throws -> DaemonProcess {
        let daemon = try DaemonProcess(arguments: arguments)
        try daemon.waitUntilListening()
        return daemon
    }

    /// Why the daemon refused to start with `arguments`: what it said, or `nil` when it started
    /// (it is stopped again).
    public static func refusal(arguments: [String]) throws -> String? {
        do {
            let daemon = try start(arguments: arguments)
            _ = daemon.terminate()
            return nil
        } catch let failure as StartFailed {
            return failure.description
        }
    }

    /// Waits for the daemon's `listening` log line and reads the bound ports from it.
    public func waitUntilListening(timeout: TimeInterval = 20) throws {
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
            guard isRunning else {
                throw StartFailed(description: "daemon exited with wait status \(waitStatus ?? -1): \(log)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw StartFailed(description: "daemon did not listen within \(timeout) s: \(log)")
    }

    /// Everything it logged so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The daemon's JSON log lines.
    public func logLines() -> [[String: Any]] {
        log.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Whether it is still running (reaps it once it has exited).
    public var isRunning: Bool {
        guard waitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            waitStatus = status
            return false
        }
        return true
    }

    /// Sends `signal` if it is still running.
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends SIGTERM and waits (bounded) for the exit code.
    @discardableResult
    public func terminate(timeout: TimeInterval = 15) -> Int32? {
        signal(SIGTERM)
        return waitForExit(timeout: timeout)
    }

    /// Waits up to `timeout` for the exit; its exit code, or `nil` if it had to be killed or died of a signal.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            waitStatus = status
            return nil
        }
        guard let status = waitStatus, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func spawn(_ path: String, arguments: [String], logPath: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process's: its sockets, pipes and files (hundreds while other
        // tests run) are not the daemon's to hold open, nor to count against its descriptor limit.
        // (glibc 2.34 and later; not in the headers Swift imports, so looked up.)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        return pid
    }
}
