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
    /// The threads the application's tasks run on, its own (ended by a stop).
    let executor: DedicatedThreadsExecutor
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
        // Off the cooperative pool (this suite's blocking neighbours must not starve the server),
        // and on threads of its own: a stop that must be prompt must not wait behind the work of
        // the other servers this suite runs at once.
        let executor = DedicatedThreadsExecutor(threads: threadsPerApplication)
        let task = Task(executorPreference: executor) { try await group.run() }
        let addresses: SocketDoor.ListeningAddresses
        do {
            addresses = try await application.socketDoor.waitUntilListening()
        } catch {
            // Not started: its threads end once what it runs has ended.
            await group.triggerGracefulShutdown()
            _ = await task.result
            executor.shutDown()
            throw error
        }
        return RunningApplication(
            application: application, group: group, task: task, executor: executor, addresses: addresses, directory: directory)
    }

    /// Threads for each application's tasks: as many as the shared executor had for all of them.
    static let threadsPerApplication = 4

    func stop() async throws {
        await group.triggerGracefulShutdown()
        defer { executor.shutDown() }
        try await task.value
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops as `stop()` does, but waits at most `seconds`: false when the application had not
    /// stopped by then. It is then left running, so that a test of a stop that must not wait
    /// fails instead of hanging the run (a time limit would wait for the stuck task too).
    func stop(within seconds: Double) async throws -> Bool {
        let triggered = ContinuousClock.now
        await group.triggerGracefulShutdown()
        // When the application stopped, noted on its own threads: this test's task may wait for
        // the cooperative pool long after, and that wait is not the stop's.
        let finished = Mutex<(Result<Void, any Error>, at: ContinuousClock.Instant)?>(nil)
        let task = self.task
        Task(executorPreference: executor) {
            let result = await task.result
            finished.withLock { $0 = (result, ContinuousClock.now) }
        }
        let limit = Duration.seconds(seconds)
        while true {
            if let (result, at) = finished.withLock({ $0 }) {
                executor.shutDown()
                try result.get()
                try? FileManager.default.removeItem(at: directory)
                return at - triggered <= limit
            }
            if ContinuousClock.now - triggered > limit { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
