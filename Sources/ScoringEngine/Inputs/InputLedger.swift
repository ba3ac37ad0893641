import ScoringModel
import Synchronization

/// How far the state has taken in each input partition, and the outcomes whose outputs are not
/// yet known to be delivered: the input offsets that are part of the state (`--state-dir`).
///
/// A door that reads a partitioned log (the Kafka door) names the message each state change
/// came from; the journal records the position with the change, and snapshots carry the ledger,
/// so after a restart the state and the ledger agree exactly, whatever the log's own committed
/// offset says. The door then skips every message at or below `appliedThrough` (it is in the
/// state already) and sends the outputs of those still `undelivered` again from the outcome
/// kept here: state changes exactly once, outputs at least once.
///
/// A card state adopted from another instance's changelog holds that card's messages up to the
/// offset it is as of, and no other card's: it is kept per card (`adoptedAhead`) while that offset
/// is past `appliedThrough`, and a message there is in the state only if its card was adopted as
/// of its offset or later. (Taking the partition as applied through the newest adopted offset
/// would skip, for good, a message whose own card's record never reached the changelog.)
///
/// Bounded by the door: an outcome stays only until the door reports its partition `delivered`
/// past it, which it does at every offset commit, so the ledger holds at most the outputs in
/// flight (librdkafka's producer queue) plus one commit interval's worth. Adopted cards stay
/// until the partition's next message at or past their offset is taken in: at most one entry
/// per card a restore adopted, kept while the partition is idle or after it moved away again.
public final class InputLedger: Sendable {
    private struct Partition {
        /// Every message at or below it is in the state; -1 before the first.
        var appliedThrough: Int64 = -1
        var undelivered: [Int64: InputOutcome] = [:]
        /// Adopted cards (by key) whose state is as of an offset past `appliedThrough`, with it.
        private(set) var adoptedAhead: [UInt64: Int64] = [:]
        /// The lowest offset in `adoptedAhead` (`.max` when empty): until `appliedThrough`
        /// reaches it, taking a message in drops nothing, and costs nothing more.
        private var lowestAhead = Int64.max

        init(appliedThrough: Int64 = -1) {
            self.appliedThrough = appliedThrough
        }

        mutating func record(_ offset: Int64, _ outcome: InputOutcome?) {
            appliedThrough = max(appliedThrough, offset)
            if let outcome { undelivered[offset] = outcome }
            guard appliedThrough >= lowestAhead else { return }
            adoptedAhead = adoptedAhead.filter { $0.value > appliedThrough }
            lowestAhead = adoptedAhead.values.min() ?? .max
        }

        mutating func adopt(_ card: UInt64, at offset: Int64, _ outcome: InputOutcome?) {
            if let outcome { undelivered[offset] = outcome }
            guard offset > appliedThrough else { return }
            let through = max(adoptedAhead[card] ?? offset, offset)
            adoptedAhead[card] = through
            lowestAhead = min(lowestAhead, through)
        }
    }

    private let partitions = Mutex<[InputPartition: Partition]>([:])

    /// An empty ledger.
    public init() {}

    /// The highest offset of `input` up to which the state has taken in every message; nil if
    /// none was ever taken in, -1 if only adopted cards were.
    public func appliedThrough(_ input: InputPartition) -> Int64? {
        partitions.withLock { $0[input]?.appliedThrough }
    }

    /// The cards of `input` adopted as of offsets past `appliedThrough`, by key, with that offset:
    /// a message there is in the state if and only if its card is here, at its offset or later.
    public func adoptedAhead(_ input: InputPartition) -> [UInt64: Int64] {
        partitions.withLock { $0[input]?.adoptedAhead ?? [:] }
    }

    /// The outcome kept for the message at `position`, if its outputs may not have been delivered.
    public func outcome(at position: InputPosition) -> InputOutcome? {
        partitions.withLock { $0[position.input]?.undelivered[position.offset] }
    }

    /// Outcomes kept, in all partitions.
    public var undeliveredCount: Int {
        partitions.withLock { $0.values.reduce(0) { $0 + $1.undelivered.count } }
    }

    /// Every partition the state has taken input from, with the highest offset taken in.
    public var positions: [InputPosition] {
        partitions.withLock { $0.map { InputPosition($0.key, offset: $0.value.appliedThrough) } }
            .sorted { ($0.input.source, $0.input.partition) < ($1.input.source, $1.input.partition) }
    }

    /// Notes that the message at `position` was taken in, with the outcome to keep until its
    /// outputs are delivered (nil when it has none of its own, a label for example).
    func record(_ position: InputPosition, _ outcome: InputOutcome?) {
        partitions.withLock { partitions in
            partitions[position.input, default: Partition()].record(position.offset, outcome)
        }
    }

    /// Notes that the state of the card keyed `card` was adopted as of the message at `position`,
    /// with that message's outcome to keep until its outputs are delivered.
    func adopt(_ card: UInt64, at position: InputPosition, _ outcome: InputOutcome?) {
        partitions.withLock { partitions in
            partitions[position.input, default: Partition()].adopt(card, at: position.offset, outcome)
        }
    }

    /// Drops the outcomes of `input` below `offset`: every output of them was delivered.
    func delivered(_ input: InputPartition, before offset: Int64) {
        partitions.withLock { partitions in
            guard let kept = partitions[input]?.undelivered, !kept.isEmpty else { return }
            partitions[input]!.undelivered = kept.filter { $0.key >= offset }
        }
    }

    /// Writes the ledger (for a snapshot), partitions, offsets and cards in order so equal ledgers
    /// write equal bytes. The adopted cards follow all partitions: a build that reads no further
    /// than the partitions still reads the rest.
    func write(to writer: inout StateWriter) {
        let entries = partitions.withLock { $0.sorted { ($0.key.source, $0.key.partition) < ($1.key.source, $1.key.partition) } }
        writer.write(UInt64(entries.count))
        for (input, partition) in entries {
            writer.write(input)
            writer.write(partition.appliedThrough)
            writer.write(UInt64(partition.undelivered.count))
            for (offset, outcome) in partition.undelivered.sorted(by: { $0.key < $1.key }) {
                writer.write(offset)
                outcome.write(to: &writer)
            }
        }
        writer.write(UInt64(entries.reduce(0) { $0 + $1.value.adoptedAhead.count }))
        for (input, partition) in entries {
            for (card, offset) in partition.adoptedAhead.sorted(by: { $0.key < $1.key }) {
                writer.write(input)
                writer.write(card)
                writer.write(offset)
            }
        }
    }

    /// Replaces the ledger with what `write(to:)` wrote (or a build before adopted cards were kept).
    func restore(from reader: inout StateReader) throws(StateFormatError) {
        var restored: [InputPartition: Partition] = [:]
        let count = try reader.read(UInt64.self)
        for _ in 0..<count {
            let input = try reader.read(InputPartition.self)
            var partition = Partition(appliedThrough: try reader.read(Int64.self))
            let outcomes = try reader.read(UInt64.self)
            for _ in 0..<outcomes {
                let offset = try reader.read(Int64.self)
                partition.undelivered[offset] = try InputOutcome.read(from: &reader)
            }
            restored[input] = partition
        }
        if reader.remaining > 0 {
            let adopted = try reader.read(UInt64.self)
            for _ in 0..<adopted {
                let input = try reader.read(InputPartition.self)
                let card = try reader.read(UInt64.self)
                restored[input, default: Partition()].adopt(card, at: try reader.read(Int64.self), nil)
            }
        }
        partitions.withLock { $0 = restored }
    }
}
