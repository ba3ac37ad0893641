import Synchronization

/// Answers written but not yet taken by their clients, summed over every scoring connection,
/// against one limit (`--max-buffered-output`).
///
/// Each connection is bounded on its own (reads pause above its write buffer's high-water mark),
/// but a large batch's answer is written whole, so many connections that send batches and never
/// read would together hold gigabytes. Past the limit, scoring requests are answered OVERLOADED
/// (a few bytes) instead of being scored into more unread answers, until clients read.
///
/// Each connection reports its own buffered bytes when it flushes, when its writability changes
/// and when it closes, so the sum lags a connection that drains without either happening by at
/// most its write buffer's high-water mark.
final class OutputBudget: Sendable {
    /// Bytes at which scoring requests start being refused.
    let limit: Int
    private let buffered = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds a connection's change in buffered bytes.
    func adjust(by delta: Int) {
        if delta != 0 { buffered.add(delta, ordering: .relaxed) }
    }

    /// Bytes buffered across connections, as last reported.
    var bufferedBytes: Int { buffered.load(ordering: .relaxed) }

    /// Whether scoring requests are refused now.
    var isExhausted: Bool { bufferedBytes > limit }

    /// The Prometheus text for the sum and the limit.
    func exposition() -> String {
        """
        # HELP streamify_buffered_output_bytes Answers written but not yet read by clients, over all scoring connections.
        # TYPE streamify_buffered_output_bytes gauge
        streamify_buffered_output_bytes \(bufferedBytes)
        # HELP streamify_buffered_output_limit_bytes --max-buffered-output.
        # TYPE streamify_buffered_output_limit_bytes gauge
        streamify_buffered_output_limit_bytes \(limit)

        """
    }
}
