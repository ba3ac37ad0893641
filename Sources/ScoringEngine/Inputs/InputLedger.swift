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
/// Bounded by the door: an outcome stays only until the door reports its partition `delivered`
/// past it, which it does at every offset commit, so the ledger holds at most the outputs in
/// flight (librdkafka's producer queue) plus one commit interval's worth.
public final class InputLedger: Sendable {
    private struct Partition {
        var appliedThrough: Int64
        var undelivered: [Int64: InputOutcome] = [:]

        mutating func record(_ offset: Int64, _ outcome: InputOutcome?) {
            appliedThrough = max(appliedThrough, offset)
            if let outcome { undelivered[offset] = outcome }
        }
    }

    private let partitions = Mutex<[InputPartition: Partition]>([:])

    /// An empty ledger.
    public init() {}

    /// The highest offset of `input` the state has taken in; nil if none.
    public func appliedThrough(_ input: InputPartition) -> Int64? {
        partitions.withLock { $0[input]?.appliedThrough }
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
            partitions[position.input, default: Partition(appliedThrough: position.offset)].record(position.offset, outcome)
        }
    }

    /// Drops the outcomes of `input` below `offset`: every output of them was delivered.
    func delivered(_ input: InputPartition, before offset: Int64) {
        partitions.withLock { partitions in
            guard let kept = partitions[input]?.undelivered, !kept.isEmpty else { return }
            partitions[input]!.undelivered = kept.filter { $0.key >= offset }
        }
    }

    /// Writes the ledger (for a snapshot), partitions and offsets in order so equal ledgers
    /// write equal bytes.
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
    }

    /// Replaces the ledger with what `write(to:)` wrote.
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
        partitions.withLock { $0 = restored }
    }
}
