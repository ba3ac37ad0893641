import Foundation
import Logging
import ScoringTestSupport
import ServiceLifecycle
import SocketDoor
import StreamifyApp
import StreamifyWire
import Synchronization

/// A running application and the task its service group runs in.
struct RunningApplication {
    let application: StreamifyApplication
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let addresses: SocketDoor.ListeningAddresses
    let directory: URL

    static func start(_ configure: (inout StreamifyConfiguration) -> Void = { _ in }) async throws -> RunningApplication {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("streamify-app-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = StreamifyConfiguration()
        configuration.socket.unixSocketPath = directory.appendingPathComponent("s.sock").path
        configuration.socket.tcpAddress = HostAndPort(host: "127.0.0.1", port: 0)
        configuration.socket.eventLoopThreads = 1
        // Admission control sheds by the wall clock: on a busy machine a debug build falls 5 ms
        // behind and requests these tests expect answered come back OVERLOADED. Its own tests
        // (`OverloadTests`, `QueueDelayAdmissionTests`) turn it on.
        configuration.socket.maximumQueueDelay = nil
        configure(&configuration)
        var logger = Logger(label: "composition-root-test")
        logger.logLevel = .warning
        let application = try buildApplication(configuration: configuration, logger: logger)
        let group = application.makeServiceGroup(logger: logger, signals: [])
        // Off the cooperative pool: this suite's blocking neighbours must not starve the server.
        let task = Task(executorPreference: DedicatedThreadsExecutor.shared) { try await group.run() }
        let addresses = try await application.socketDoor.waitUntilListening()
        return RunningApplication(application: application, group: group, task: task, addresses: addresses, directory: directory)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops as `stop()` does, but waits at most `seconds`: false when the application had not
    /// stopped by then. It is then left running, so that a test of a stop that must not wait
    /// fails instead of hanging the run (a time limit would wait for the stuck task too).
    func stop(within seconds: Double) async throws -> Bool {
        await group.triggerGracefulShutdown()
        let finished = Mutex<Result<Void, any Error>?>(nil)
        let task = self.task
        Task { finished.withLock { [result = await task.result] in $0 = result } }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let result = finished.withLock({ $0 }) {
                try result.get()
                try? FileManager.default.removeItem(at: directory)
                return true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
