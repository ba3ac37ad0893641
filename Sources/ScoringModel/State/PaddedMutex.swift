#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex alone on its own 128 bytes, so that neighbouring stripes' locks never share
/// a cache line (false sharing would make uncontended stripes slow each other down).
///
/// A plain pthread mutex rather than `Synchronization.Mutex`: on Linux the latter is a
/// priority-inheritance futex that scales worse under contention. Noncopyable, so that it lives
/// inside its owner and taking it retains and releases nothing.
struct PaddedMutex: ~Copyable, @unchecked Sendable {
    private static let footprint = 128
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Self.footprint, alignment: Self.footprint)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: Self.footprint)
        mutex = raw.bindMemory(to: pthread_mutex_t.self, capacity: 1)
        let result = pthread_mutex_init(mutex, nil)
        precondition(result == 0, "pthread_mutex_init failed: \(result)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        UnsafeMutableRawPointer(mutex).deallocate()
    }

    @inline(__always)
    borrowing func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
