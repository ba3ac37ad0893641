/// Where stream items come from: the synthetic world, or a file being replayed.
protocol WorkloadSource: Sendable {
    /// The next item, or `nil` when the source is exhausted.
    mutating func nextItem() -> StreamItem?
    /// Whether ground truth is known for the transactions (false for replays without labels).
    var hasGroundTruth: Bool { get }
    /// Whether the source never runs out (the synthetic world) or ends (a file).
    var isEndless: Bool { get }
}

extension TransactionStream: WorkloadSource {
    mutating func nextItem() -> StreamItem? { next() }
    var hasGroundTruth: Bool { true }
    var isEndless: Bool { true }
}

/// A finite list of items (a replayed file).
struct RecordedWorkload: WorkloadSource {
    var items: [StreamItem]
    var hasGroundTruth: Bool
    var isEndless: Bool { false }
    private var position = 0

    init(items: [StreamItem], hasGroundTruth: Bool) {
        self.items = items
        self.hasGroundTruth = hasGroundTruth
    }

    mutating func nextItem() -> StreamItem? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}
