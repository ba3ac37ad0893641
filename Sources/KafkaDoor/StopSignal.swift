import Synchronization

/// How the worker should stop; checked once per batch.
enum StopRequest: Int {
    case none = 0
    /// Finish in-flight work, commit, leave the group.
    case graceful = 1
    /// Stop at once: no flush, no commit, no group leave (simulates SIGKILL in tests).
    case crash = 2
}

/// A stop request that can arrive from any thread, before or while the worker runs.
final class StopSignal: Sendable {
    private let value = Atomic<Int>(StopRequest.none.rawValue)

    func request(_ request: StopRequest) {
        // The stronger request wins.
        var current = value.load(ordering: .acquiring)
        while current < request.rawValue {
            let (exchanged, original) = value.compareExchange(
                expected: current, desired: request.rawValue, ordering: .acquiringAndReleasing)
            if exchanged { break }
            current = original
        }
    }

    var requested: StopRequest { StopRequest(rawValue: value.load(ordering: .acquiring)) ?? .none }
}
