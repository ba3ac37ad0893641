import Synchronization

/// When the engine's housekeeping is due, in event time: once each time the transactions' own
/// clock crosses a multiple of `periodSeconds`.
///
/// Housekeeping (idle expiry, held-label release, learning from matured outcomes) changes what
/// later transactions score, so it must happen at the same point of a stream however fast the
/// stream is played: a replay of months in seconds, a catch-up after an outage and real time all
/// give the same answers. A wall-clock timer cannot promise that; this schedule can, because it
/// is driven by the event times the scoring path already has.
///
/// The scoring path calls `claim(reaching:)` with each transaction's event time. The check is one
/// relaxed atomic load; at a crossing, exactly one caller wins the compare-exchange and runs the
/// round. The first transaction only starts the schedule.
final class HousekeepingSchedule: Sendable {
    /// Event seconds between rounds.
    let periodSeconds: UInt32
    /// The event time at which the next round is due; 0 until the first transaction.
    private let nextDue = Atomic<UInt32>(0)
    private let roundsClaimed = Atomic<Int>(0)

    /// A schedule with a round every `periodSeconds` (at least 1) of event time.
    init(periodSeconds: UInt32) {
        self.periodSeconds = max(periodSeconds, 1)
    }

    /// Whether the caller should run a housekeeping round now, the clock having reached `seconds`.
    @inline(__always)
    func claim(reaching seconds: UInt32) -> Bool {
        let due = nextDue.load(ordering: .relaxed)
        guard seconds >= due else { return false }
        return claim(reaching: seconds, due: due)
    }

    private func claim(reaching seconds: UInt32, due: UInt32) -> Bool {
        let (boundary, overflow) = (seconds / periodSeconds * periodSeconds).addingReportingOverflow(periodSeconds)
        let next = overflow ? UInt32.max : boundary
        guard nextDue.compareExchange(expected: due, desired: next, ordering: .relaxed).exchanged else { return false }
        guard due != 0 else { return false }
        roundsClaimed.add(1, ordering: .relaxed)
        return true
    }

    /// Rounds claimed so far.
    var rounds: Int { roundsClaimed.load(ordering: .relaxed) }

    /// Writes the boundary the next round waits for and the rounds so far.
    func write(to writer: inout StateWriter) {
        writer.write(nextDue.load(ordering: .relaxed))
        writer.write(Int64(roundsClaimed.load(ordering: .relaxed)))
    }

    /// Takes over what `write(to:)` wrote.
    func restore(from reader: inout StateReader) throws(StateFormatError) {
        nextDue.store(try reader.read(UInt32.self), ordering: .relaxed)
        roundsClaimed.store(Int(try reader.read(Int64.self)), ordering: .relaxed)
    }
}
