#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A number of the calling thread's own, given on the thread's first call, in order (0, 1, 2,
/// …): how the decision log gives each event loop a lane to itself (`DecisionLog`).
enum ThreadLane {
    /// The number the next new thread gets.
    private static let next = Atomic<Int>(0)

    /// One key for the process. A thread's number is stored in it plus one: an unset key reads as nil.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let result = pthread_key_create(&key, nil)
        precondition(result == 0, "pthread_key_create failed (\(result))")
        return key
    }()

    /// The calling thread's number.
    @inline(__always)
    static var current: Int {
        if let stored = pthread_getspecific(key) { return Int(bitPattern: stored) - 1 }
        let number = next.wrappingAdd(1, ordering: .relaxed).oldValue
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: number + 1))
        return number
    }
}
