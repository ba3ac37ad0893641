import SyntheticWorld
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

    /// Transactions in the workload (feedback not counted).
    var transactionCount: Int {
        items.reduce(0) { count, item in
            if case .transaction = item { count + 1 } else { count }
        }
    }

    mutating func nextItem() -> StreamItem? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }
}
