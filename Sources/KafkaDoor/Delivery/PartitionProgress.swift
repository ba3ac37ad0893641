/// Tracks, for one input partition, which offsets still wait for outputs to be acknowledged,
/// and so how far the group's offset may be committed.
///
/// Offsets are begun in increasing order (the order they are consumed). An offset is done once
/// every output it caused has been acknowledged by the broker; the commit position is one past
/// the longest done prefix, so nothing after an unacknowledged output is ever committed.
struct PartitionProgress {
    private var offsets: [Int64] = []
    private var remaining: [Int32] = []
    private var head = 0
    /// Outputs produced and not yet acknowledged, over all offsets.
    private(set) var pendingOutputs = 0
    /// The next offset to commit (one past the last done offset); `nil` until anything is done.
    private(set) var commitPosition: Int64?
    /// The position last committed.
    var committedPosition: Int64?

    init() {}

    /// Records that `offset` was consumed and caused `outputs` produced messages.
    mutating func begin(offset: Int64, outputs: Int) {
        if outputs == 0, head == offsets.count {
            commitPosition = offset + 1
            return
        }
        offsets.append(offset)
        remaining.append(Int32(outputs))
        pendingOutputs += outputs
        advance()
    }

    /// Records that `offset` was consumed but not taken in (a stop came while it waited):
    /// nothing from it on is committed, and no flush waits for it (it has no output).
    mutating func holdBack(offset: Int64) {
        offsets.append(offset)
        remaining.append(1)
        advance()
    }

    /// Records that one output of `offset` will never be produced (a stop came while the
    /// producer refused it): no flush waits for it any more, and `offset` is never committed.
    mutating func abandonOutput(of offset: Int64) {
        guard let index = index(of: offset), remaining[index] > 0 else { return }
        pendingOutputs -= 1
    }

    /// Records one acknowledged output of `offset`. Returns `false` if the offset is unknown.
    @discardableResult
    mutating func acknowledge(offset: Int64) -> Bool {
        guard let index = index(of: offset), remaining[index] > 0 else { return false }
        remaining[index] -= 1
        pendingOutputs -= 1
        if index == head { advance() }
        return true
    }

    /// Where `offset` is among the offsets not yet done, if it is.
    private func index(of offset: Int64) -> Int? {
        var low = head
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] == offset ? low : nil
    }

    /// Offsets consumed and not yet done, or done behind one that is not: what a commit must
    /// still wait for.
    var waitingOffsets: Int { offsets.count - head }

    /// Whether there is a position newer than the last commit.
    var hasUncommittedProgress: Bool {
        guard let commitPosition else { return false }
        return commitPosition != committedPosition
    }

    private mutating func advance() {
        while head < offsets.count, remaining[head] == 0 {
            commitPosition = offsets[head] + 1
            head += 1
        }
        if head == offsets.count {
            offsets.removeAll(keepingCapacity: true)
            remaining.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096, head * 2 > offsets.count {
            offsets.removeFirst(head)
            remaining.removeFirst(head)
            head = 0
        }
    }
}
