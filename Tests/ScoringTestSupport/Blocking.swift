import Dispatch

/// Runs blocking work (a child process, a blocking socket read, a semaphore) on a Dispatch
/// thread, so it does not hold one of the few cooperative threads the in-process server's
/// handlers need.
public func blocking<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
