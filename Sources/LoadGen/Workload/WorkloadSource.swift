import SyntheticWorld
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

extension TerminalStream: WorkloadSource {
    mutating func nextItem() -> StreamItem? { next() }
    var hasGroundTruth: Bool { true }
    var isEndless: Bool { true }
}
