#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock in Unix epoch milliseconds, for request deadlines (`Request.deadlineMs`):
/// the client stamps them with it and the server compares against it.
package enum WallClock {
    /// Milliseconds since 1970-01-01T00:00:00Z (CLOCK_REALTIME; a vDSO read, no system call).
    package static func unixMilliseconds() -> Int64 {
        unixNanoseconds() / 1_000_000
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z (CLOCK_REALTIME), for comparisons finer than a
    /// deadline's millisecond.
    package static func unixNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
