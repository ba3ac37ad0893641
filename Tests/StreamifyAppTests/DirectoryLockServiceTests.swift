import Foundation
import Logging
import ScoringTestSupport
import ServiceLifecycle
import StateStore
import Testing

@testable import StreamifyApp

@Suite("Directory locks held for the server's run")
struct DirectoryLockServiceTests {
    /// Runs a group of the lock service over a new lock on `directory` until `stop` ends it.
    static func run(on directory: String, stop: (ServiceGroup, Task<Void, any Error>) async -> Void) async throws -> DirectoryLock {
        let lock = try DirectoryLock(directory: directory, use: "--state-dir")
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: DirectoryLockService(locks: [lock]))], logger: Logger(label: "lock-test")))
        let task = Task { try await group.run() }
        await stop(group, task)
        _ = await task.result
        return lock
    }

    @Test("a graceful shutdown gives the directory up once the service stops; a cancelled group keeps it")
    func releasedOnlyAfterGracefulShutdown() async throws {
        let directory = try makeTestDirectory("lock-service").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await Self.run(on: directory) { group, _ in await group.triggerGracefulShutdown() }
        #expect(throws: Never.self) { try DirectoryLock(directory: directory, use: "--state-dir").release() }

        // Cancelled (as when another service fails): the engine service may still be writing.
        let held = try await Self.run(on: directory) { _, task in task.cancel() }
        #expect(throws: StateFileError.self, "a successor must not take the directory yet") {
            try DirectoryLock(directory: directory, use: "--state-dir")
        }
        held.release()
        #expect(throws: Never.self) { try DirectoryLock(directory: directory, use: "--state-dir").release() }
    }
}
