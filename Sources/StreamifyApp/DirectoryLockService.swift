import ServiceLifecycle
import StateStore

/// Keeps the state directory's and the archive log's `DirectoryLock`s while the server runs,
/// and gives them up once it has stopped: first in start order, it stops last, after the
/// engine service's final snapshot, so a successor started then finds the directories free.
struct DirectoryLockService: Service {
    let locks: [DirectoryLock]

    func run() async throws {
        defer { for lock in locks { lock.release() } }
        try await gracefulShutdown()
    }
}
