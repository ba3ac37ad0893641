import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The engine's event-time clock: the newest event time scored, read without a lock.
///
/// Held labels are released against it, and it bounds how far ahead of what the daemon has seen
/// a transaction may claim to be (`admits(_:skewSeconds:)`), so that one outlier timestamp cannot
/// drag expiry, label release and learning forward and wipe state. Idle expiry runs on each
/// table stripe's own newest time (`StripedTable`), which only scored transactions move too.
final class EventClock: Sendable {
    private let newest = Atomic<UInt32>(0)

    /// The newest event time seen, in `EventTime` seconds; 0 before the first.
    var now: UInt32 { newest.load(ordering: .relaxed) }

    /// Moves the clock to `seconds` if that is newer (one relaxed load when it is not).
    @inline(__always)
    func advance(to seconds: UInt32) {
        var current = newest.load(ordering: .relaxed)
        while seconds > current {
            let (exchanged, original) = newest.compareExchange(expected: current, desired: seconds, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Whether an event at `seconds` is at most `skewSeconds` ahead of the clock (0: no bound).
    ///
    /// Ahead of the event clock, the wall clock is consulted as a second reference: a replay of
    /// history (event times behind the wall clock) may jump over quiet spans of any length, and
    /// the very first transaction has no event clock to be measured against. Only an event
    /// ahead of both by more than the skew is refused.
    @inline(__always)
    func admits(_ seconds: UInt32, skewSeconds: UInt32) -> Bool {
        guard skewSeconds > 0 else { return true }
        let clock = now
        if seconds <= clock || seconds - clock <= skewSeconds { return true }
        let wall = Self.wallClockSeconds()
        return seconds <= wall || seconds - wall <= skewSeconds
    }

    /// The wall clock in `EventTime` seconds (only read for events ahead of the event clock).
    private static func wallClockSeconds() -> UInt32 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return EventTime.seconds(fromUnixMs: Int64(spec.tv_sec) * 1000)
    }
}
