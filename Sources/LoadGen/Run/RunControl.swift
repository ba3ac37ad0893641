import Synchronization

/// Shared by the senders: asks them to stop sending (Ctrl-C, SIGTERM, the end of a demo).
final class RunControl: Sendable {
    private let stopping = Atomic<Bool>(false)

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    func requestStop() {
        stopping.store(true, ordering: .relaxed)
    }
}
