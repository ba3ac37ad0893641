import Dispatch

/// Refits the challenger from the outcome reservoir off the scoring path, and hands the fit
/// over at a fixed point of event time, so a replay at any speed installs the same fit at the
/// same transaction.
///
/// A fit starts at a housekeeping round (on a background queue, from a copy of the samples) and
/// is due at the next housekeeping boundary: the round that reaches it collects it, waiting for
/// it if it is not done (in real time it has a whole period; a fast replay may wait).
/// A fit pulled toward another prior than the learner's by then is dropped by the learner.
final class ChallengerRefit: @unchecked Sendable {
    private final class Slot: @unchecked Sendable {
        var result: LogisticCombiner?
    }

    private let mutex = PaddedMutex()
    private var pending: (due: UInt32, group: DispatchGroup, slot: Slot, prior: LogisticCombiner)?
    private var lastStartDay: UInt32 = .max
    private var started = 0
    /// The housekeeping period: a fit is due at the boundary after the round that started it.
    private let periodSeconds: UInt32

    /// Refits installed at housekeeping boundaries `periodSeconds` (at least 1) apart.
    init(periodSeconds: UInt32) {
        self.periodSeconds = max(periodSeconds, 1)
    }

    /// Fits started so far.
    var fitsStarted: Int { mutex.withLock { started } }

    /// Starts a fit if none is pending and none started on `seconds`' day yet; false otherwise.
    func startIfDue(
        at seconds: UInt32, samples: () -> [(features: FeatureVector, fraud: Bool, weight: Double)],
        trainer: LogisticTrainer, prior: LogisticCombiner
    ) -> Bool {
        let day = seconds / EventTime.daySeconds
        let work: (DispatchGroup, Slot, [(features: FeatureVector, fraud: Bool, weight: Double)])? = mutex.withLock {
            guard pending == nil, day != lastStartDay else { return nil }
            lastStartDay = day
            let group = DispatchGroup()
            let slot = Slot()
            // Due at the next boundary, whichever transaction's round started it.
            pending = (seconds / periodSeconds * periodSeconds &+ periodSeconds, group, slot, prior)
            started += 1
            return (group, slot, samples())
        }
        guard let (group, slot, samples) = work else { return false }
        DispatchQueue.global(qos: .utility).async(group: group) {
            slot.result = try? trainer.fit(weighted: samples, prior: prior)
        }
        return true
    }

    /// The pending fit, with the prior it was pulled toward, once the clock has reached its due
    /// time (waiting for it if need be); nil when none is due. A fit that failed (one class
    /// only) yields nil and is dropped.
    func collect(reaching seconds: UInt32) -> (fit: LogisticCombiner, prior: LogisticCombiner)? {
        let due: (DispatchGroup, Slot, LogisticCombiner)? = mutex.withLock {
            guard let pending, seconds >= pending.due else { return nil }
            self.pending = nil
            return (pending.group, pending.slot, pending.prior)
        }
        guard let (group, slot, prior) = due else { return nil }
        group.wait()
        return slot.result.map { ($0, prior) }
    }

    /// Forgets a pending fit (a new champion was installed); the next round may start another.
    func reset() {
        mutex.withLock {
            pending = nil
            lastStartDay = .max
        }
    }

    /// Writes the day of the last fit, the fits started, and a fit awaiting its install: waited
    /// for if it is still running (seconds at most, once a day), so what is written is its result.
    func write(to writer: inout StateWriter) {
        let (state, waiting) = mutex.withLock { ((lastStartDay, started), pending) }
        waiting?.group.wait()
        writer.write(state.0)
        writer.write(Int64(state.1))
        writer.writeFlag(waiting != nil)
        if let waiting {
            writer.write(waiting.due)
            writer.write(waiting.prior)
            writer.writeFlag(waiting.slot.result != nil)
            if let result = waiting.slot.result { writer.write(result) }
        }
    }

    /// Takes over what `write(to:)` wrote: a fit written as waiting is installed when due, as it
    /// would have been.
    func restore(from reader: inout StateReader) throws(StateFormatError) {
        let lastStartDay = try reader.read(UInt32.self)
        let started = try reader.read(Int64.self)
        var waiting: (due: UInt32, group: DispatchGroup, slot: Slot, prior: LogisticCombiner)?
        if try reader.readFlag() {
            let due = try reader.read(UInt32.self)
            let prior = try reader.read(LogisticCombiner.self)
            let slot = Slot()
            if try reader.readFlag() { slot.result = try reader.read(LogisticCombiner.self) }
            waiting = (due, DispatchGroup(), slot, prior)
        }
        mutex.withLock {
            self.lastStartDay = lastStartDay
            self.started = Int(started)
            self.pending = waiting
        }
    }
}
