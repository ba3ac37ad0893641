import Synchronization

/// The bytes a large batch's answer is expected to take, so that it counts against
/// `--max-buffered-output` from the turn it is admitted, not only from its first scored slice.
///
/// Without it, a batch counted nothing while its transactions were decoded (several turns), and
/// every batch that arrived meanwhile was admitted against the same, not yet grown, sum: their
/// answers together could pass the budget by several batches. Answers are learned as they are
/// packed, over all connections: the bytes per item of the last slice packed anywhere. Until one
/// is, a batch reserves its request's size, which its answer exceeds (each item echoes the
/// transaction id and adds five factors with their reasons).
final class BatchAnswerEstimate: Sendable {
    private let bytesPerItem = Atomic<Int>(0)

    /// An estimate that has learned nothing yet.
    init() {}

    /// The bytes to reserve for the answer to `items` transactions sent in `requestBytes`.
    func reservation(items: Int, requestBytes: Int) -> Int {
        max(requestBytes, items * bytesPerItem.load(ordering: .relaxed))
    }

    /// Learns from an answer packed so far: `answerBytes` for its first `items` items.
    func learn(answerBytes: Int, items: Int) {
        guard items > 0 else { return }
        bytesPerItem.store(answerBytes / items, ordering: .relaxed)
    }
}
