import Testing

/// A trait that runs a suite's tests on threads of their own instead of Swift's cooperative pool.
///
/// swift-testing calls a synchronous test function on a cooperative thread, and this project's
/// tests that drive the real binary block there for seconds (a child process, a blocking socket
/// read). On 2 cores two of them hold the whole pool, and every async test waits: tests with
/// a time limit ran out of it, in-process servers missed their timers. Suites that block carry
/// this trait; their tests then hold `DedicatedThreadsExecutor.blockingTests`' threads, as many
/// at once as the cooperative pool allowed before, and leave the pool to the async tests.
public struct OffCooperativePool: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(DedicatedThreadsExecutor.blockingTests) { try await function() }
    }
}

extension Trait where Self == OffCooperativePool {
    /// Runs the tests on threads of their own, off the cooperative pool: for tests that block.
    public static var offCooperativePool: Self { OffCooperativePool() }
}
