#if canImport(Glibc)
import Glibc
#endif

/// Lets a snapshot take a point in the stream at which no state change is half done.
///
/// Every state change (scoring a transaction and appending its journal record, recording a
/// label and appending its record) runs under the shared side; a snapshot marks its point (and
/// starts a new journal segment) under the exclusive side. So the state a snapshot copies holds
/// exactly the records of the segments before its own. Writers are preferred: a snapshot waiting
/// for the exclusive side is not starved by a steady stream of scoring.
final class EngineGate: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() {
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` as one state change; many run at once. Never call it from inside itself.
    @inline(__always)
    func change<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` while no state change is in progress.
    func pause<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
