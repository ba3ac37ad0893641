import Foundation

/// A task executor with threads of its own, for servers a test runs in-process.
///
/// swift-testing runs synchronous tests on Swift's cooperative pool, which has one thread per
/// core. Many of this project's tests block (they wait on a child process or a blocking socket
/// read), so on a 2-core machine both threads can be held for seconds while an in-process server's
/// async handlers wait for one. Starting the server under this executor
/// (`Task(executorPreference:)`) runs it, and every child task it makes, on these threads instead;
/// the test's own code still waits for the pool, which only delays it.
///
/// An executor of its own for each in-process server (`RunningApplication`) keeps one server's
/// work from queueing behind another's, as if each ran in a process of its own: on a busy host
/// the servers of a whole suite sharing four threads made a timer's cancellation wait 44 s.
public final class DedicatedThreadsExecutor: TaskExecutor, @unchecked Sendable {
    /// Jobs waiting for a thread; guarded by `condition`.
    private var jobs: [UnownedJob] = []
    /// Set by `shutDown()`; guarded by `condition`.
    private var isShutDown = false
    private let condition = NSCondition()

    /// An executor the in-process Kafka doors share: its threads live as long as the test process.
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

    /// Ends the threads once the jobs already enqueued have run. A job enqueued after (a task
    /// that outlived its server) still runs, on a thread started for it.
    public func shutDown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        defer { condition.unlock() }
        guard !isShutDown else {
            Thread { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }.start()
            return
        }
        jobs.append(job)
        condition.signal()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !isShutDown { condition.wait() }
            guard !jobs.isEmpty else { return condition.unlock() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
