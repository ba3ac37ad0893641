/// Labels that arrived before the event-time clock reached their reported time, held until it does.
///
/// A replay or a sidecar can deliver a label "from the future" of the transactions scored so
/// far; applying it at once would let scores see an outcome before it could have been known.
/// A min-heap on reported time, bounded; not on the scoring path (one lock, rare use).
final class PendingLabels: @unchecked Sendable {
    private let mutex = PaddedMutex()
    private var heap: [FeedbackFeatures] = []
    /// The transactions of the held labels that name one, so that a second label for one of
    /// them is known while the first is held (membership only: its order never matters).
    private var transactions = Set<UInt64>()
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { mutex.withLock { heap.count } }

    /// Whether a label for `transaction` is held (never for `.none`).
    func holds(_ transaction: EntityKey) -> Bool {
        guard !transaction.isNone else { return false }
        return mutex.withLock { transactions.contains(transaction.rawValue) }
    }

    /// Holds `label`; false when full.
    func push(_ label: FeedbackFeatures) -> Bool {
        mutex.withLock {
            guard heap.count < capacity else { return false }
            heap.append(label)
            if !label.transaction.isNone { transactions.insert(label.transaction.rawValue) }
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].reportedTimeMs < heap[parent].reportedTimeMs else { break }
                heap.swapAt(child, parent)
                child = parent
            }
            return true
        }
    }

    /// Removes and returns every label reported at or before `unixMs`, oldest report first.
    func popDue(atOrBefore unixMs: Int64) -> [FeedbackFeatures] {
        mutex.withLock {
            var due: [FeedbackFeatures] = []
            while let first = heap.first, first.reportedTimeMs <= unixMs {
                due.append(first)
                transactions.remove(first.transaction.rawValue)
                let last = heap.removeLast()
                guard !heap.isEmpty else { break }
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    let right = left + 1
                    var smallest = parent
                    if left < heap.count, heap[left].reportedTimeMs < heap[smallest].reportedTimeMs { smallest = left }
                    if right < heap.count, heap[right].reportedTimeMs < heap[smallest].reportedTimeMs { smallest = right }
                    if smallest == parent { break }
                    heap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return due
        }
    }

    /// Writes the held labels (in heap order).
    func write(to writer: inout StateWriter) {
        mutex.withLock { writer.write(heap) }
    }

    /// Takes over what `write(to:)` wrote; labels past this capacity are dropped, latest first.
    /// Returns how many were dropped.
    func restore(from reader: inout StateReader) throws(StateFormatError) -> Int {
        let labels = try reader.readArray(FeedbackFeatures.self)
        if labels.count <= capacity {
            mutex.withLock {
                heap = labels
                transactions = Set(labels.lazy.filter { !$0.transaction.isNone }.map(\.transaction.rawValue))
            }
            return 0
        }
        let kept = labels.sorted { $0.reportedTimeMs < $1.reportedTimeMs }.prefix(capacity)
        for label in kept { _ = push(label) }
        return labels.count - kept.count
    }
}
