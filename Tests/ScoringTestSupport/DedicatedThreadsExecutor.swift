import Foundation

/// A task executor with threads of its own, for servers a test runs in-process.
///
/// swift-testing runs synchronous tests on Swift's cooperative pool, which has one thread per
/// core. Many of this project's tests block (they wait on a child process or a blocking socket
/// read), so on a 2-core machine both threads can be held for seconds while an in-process server's
/// async handlers wait for one. Starting the server under this executor
/// (`Task(executorPreference:)`) runs it, and every child task it makes, on these threads instead;
/// the test's own code still waits for the pool, which only delays it.
public final class DedicatedThreadsExecutor: TaskExecutor, @unchecked Sendable {
    /// Jobs waiting for a thread; guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private let condition = NSCondition()

    /// The executor in-process servers run on: its threads live as long as the test process.
    public static let shared = DedicatedThreadsExecutor(threads: 4)

    /// The executor blocking tests run on (`OffCooperativePool`): a thread per core, as many
    /// blocking tests at once as the cooperative pool ran before, so the machine is no busier.
    public static let blockingTests = DedicatedThreadsExecutor(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Starts `threads` threads that run jobs in the order they were enqueued.
    public init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "test-server-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
