import NIOConcurrencyHelpers
import NIOCore

/// Chunks waiting for one connection: filled by the producer thread, drained by the worker on
/// its event loop (which never blocks on it).
final class WorkloadQueue: Sendable {
    enum Next {
        case chunk(WorkloadChunk)
        /// Nothing ready yet: the producer is behind.
        case empty
        /// Nothing ready and nothing more will come.
        case finished
    }

    private struct State {
        var chunks = CircularBuffer<WorkloadChunk>()
        var finished = false
    }

    private let state = NIOLockedValueBox(State())

    func push(_ chunk: WorkloadChunk) {
        state.withLockedValue { $0.chunks.append(chunk) }
    }

    /// No more chunks will be pushed.
    func finish() {
        state.withLockedValue { $0.finished = true }
    }

    func pop() -> Next {
        state.withLockedValue { state in
            if let chunk = state.chunks.popFirst() { return .chunk(chunk) }
            return state.finished ? .finished : .empty
        }
    }
}
