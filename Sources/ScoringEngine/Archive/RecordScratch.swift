#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory of the calling thread's own to build a decision-log record in, before the log's lock
/// is taken: event loops then encode side by side and hold the lock only to copy the bytes in.
/// A thread's buffer is made on its first use (the only allocation) and freed when it ends.
enum RecordScratch {
    /// Room for the longest record of either kind.
    static let byteCount = max(DecisionRecord.maximumBytes, DecisionRecord.maximumLabelBytes)

    /// One key for the process: keys are few (`PTHREAD_KEYS_MAX`), logs may be many.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let result = pthread_key_create(&key) { free($0) }
        precondition(result == 0, "pthread_key_create failed (\(result))")
        return key
    }()

    /// The calling thread's buffer of `byteCount` bytes.
    @inline(__always)
    static func buffer() -> UnsafeMutableRawBufferPointer {
        if let pointer = pthread_getspecific(key) {
            return UnsafeMutableRawBufferPointer(start: pointer, count: byteCount)
        }
        guard let pointer = malloc(byteCount) else { fatalError("out of memory for a \(byteCount)-byte record buffer") }
        pthread_setspecific(key, pointer)
        return UnsafeMutableRawBufferPointer(start: pointer, count: byteCount)
    }
}
