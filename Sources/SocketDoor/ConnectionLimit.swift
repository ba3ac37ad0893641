import NIOCore
import Synchronization

/// How many scoring connections may be open at once: across the Unix socket and TCP listeners
/// (`--max-connections`), or over TCP alone (`--tcp-max-connections`).
///
/// Each accepted connection takes a slot before its pipeline is built and gives it back when it
/// closes; a connection that finds none free is refused with an answer (`ConnectionRefusalHandler`)
/// instead of being served. One file descriptor and a connection's buffers per slot is what it
/// bounds.
final class ConnectionLimit: Sendable {
    /// Slots in all.
    let maximum: Int
    private let taken = Atomic<Int>(0)

    /// A limit of `maximum` (at least 1) open connections.
    init(maximum: Int) {
        self.maximum = max(maximum, 1)
    }

    /// Takes a slot; false (and nothing taken) when all are in use.
    func acquire() -> Bool {
        var current = taken.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = taken.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Takes a slot for `channel` and gives it back when the channel closes; false (and nothing
    /// taken) when all are in use.
    func admit(_ channel: any Channel) -> Bool {
        guard acquire() else { return false }
        channel.closeFuture.whenComplete { [self] _ in release() }
        return true
    }

    /// Gives back a slot `acquire()` took.
    func release() {
        taken.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// Slots in use now.
    var inUse: Int { taken.load(ordering: .relaxed) }
}
