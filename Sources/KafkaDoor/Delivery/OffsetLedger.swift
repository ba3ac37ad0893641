import RDKafka
/// Every assigned input partition's `PartitionProgress`, and the opaque value that ties a
/// produced output back to the input offset that caused it.
struct OffsetLedger {
    private(set) var partitions: [TopicPartition] = []
    private var progress: [PartitionProgress] = []
    private var slots: [TopicPartition: Int] = [:]

    /// Bits of the opaque value that hold the offset; the slot (plus one) sits above them.
    static let offsetBits: UInt64 = 48

    /// The slot of `partition`, created on first use.
    mutating func slot(for partition: TopicPartition) -> Int {
        if let slot = slots[partition] { return slot }
        let slot = partitions.count
        partitions.append(partition)
        progress.append(PartitionProgress())
        slots[partition] = slot
        return slot
    }

    /// The opaque value for an output caused by `offset` in `slot`; never 0.
    static func opaque(slot: Int, offset: Int64) -> UInt64 {
        UInt64(slot + 1) << offsetBits | (UInt64(bitPattern: offset) & ((1 << offsetBits) - 1))
    }

    mutating func begin(slot: Int, offset: Int64, outputs: Int) {
        progress[slot].begin(offset: offset, outputs: outputs)
    }

    /// Holds back `offset` of `slot`'s partition: it and what follows stay uncommitted.
    mutating func holdBack(slot: Int, offset: Int64) {
        progress[slot].holdBack(offset: offset)
    }

    /// Records that the output carrying `opaque` will never be produced (`PartitionProgress.abandonOutput(of:)`);
    /// 0 (not input-bound) is ignored.
    mutating func abandon(opaque: UInt64) {
        guard let (slot, offset) = position(of: opaque) else { return }
        progress[slot].abandonOutput(of: offset)
    }

    /// The slot and offset `opaque` carries; nil for 0 (not input-bound) or a slot not known.
    private func position(of opaque: UInt64) -> (slot: Int, offset: Int64)? {
        guard opaque != 0 else { return nil }
        let slot = Int(opaque >> Self.offsetBits) - 1
        guard slot >= 0, slot < progress.count else { return nil }
        return (slot, Int64(opaque & ((1 << Self.offsetBits) - 1)))
    }

    /// Whether the output carrying `opaque` was caused by an input of one of `partitions`.
    func isCaused(_ opaque: UInt64, byInputOf partitions: Set<TopicPartition>) -> Bool {
        guard let (slot, _) = position(of: opaque) else { return false }
        return partitions.contains(self.partitions[slot])
    }

    /// Records the acknowledgement of the output carrying `opaque`; 0 (not input-bound) is ignored.
    @discardableResult
    mutating func acknowledge(opaque: UInt64) -> Bool {
        guard let (slot, offset) = position(of: opaque) else { return false }
        return progress[slot].acknowledge(offset: offset)
    }

    /// Outputs not yet acknowledged, in `only` (or in every partition when `nil`).
    func pendingOutputs(in only: Set<TopicPartition>? = nil) -> Int {
        var total = 0
        for (slot, partition) in partitions.enumerated() where only?.contains(partition) ?? true {
            total += progress[slot].pendingOutputs
        }
        return total
    }

    /// Input messages consumed whose offsets cannot be committed yet, in every partition: theirs
    /// or an earlier message's outputs are not all acknowledged.
    var uncommittedInputs: Int {
        progress.reduce(0) { $0 + $1.waitingOffsets }
    }

    /// The positions that moved since the last commit, in `only` (or everywhere); marks them committed.
    /// With `includingCommitted`, every known position (for a final, synchronous commit).
    mutating func takeCommittable(
        in only: Set<TopicPartition>? = nil, includingCommitted: Bool = false
    ) -> [(TopicPartition, Int64)] {
        var result: [(TopicPartition, Int64)] = []
        for (slot, partition) in partitions.enumerated() where only?.contains(partition) ?? true {
            guard includingCommitted || progress[slot].hasUncommittedProgress,
                let position = progress[slot].commitPosition
            else { continue }
            result.append((partition, position))
            progress[slot].committedPosition = position
        }
        return result
    }

    /// Puts back positions whose commit failed, so the next round retries them.
    mutating func commitFailed(_ offsets: [(TopicPartition, Int64)]) {
        for (partition, _) in offsets {
            if let slot = slots[partition] { progress[slot].committedPosition = nil }
        }
    }

    /// Forgets `revoked` partitions' progress (after their final commit).
    mutating func forget(_ revoked: Set<TopicPartition>) {
        for partition in revoked {
            if let slot = slots[partition] { progress[slot] = PartitionProgress() }
        }
    }
}
