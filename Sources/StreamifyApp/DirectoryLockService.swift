import ServiceLifecycle
import StateStore

/// Keeps the state directory's and the archive log's `DirectoryLock`s while the server runs,
/// and gives them up once it has stopped: first in start order, it stops last on a graceful
/// shutdown, after the engine service's final snapshot, so a successor started then finds the
/// directories free.
///
/// Cancelled instead (a service failed, and the group cancels every service at once), it keeps
/// them: the engine service may still be writing its snapshot and journal, and a successor
/// taking the directory meanwhile would write beside it. They go when the application is
/// released, or with the process (the kernel drops a `flock` however a process ends).
struct DirectoryLockService: Service {
    let locks: [DirectoryLock]

    func run() async throws {
        try await gracefulShutdown()
        for lock in locks { lock.release() }
    }
}
