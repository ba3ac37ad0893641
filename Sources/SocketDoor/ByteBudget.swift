import Synchronization

/// Bytes held for clients, summed over every scoring connection, against one limit: the
/// answers written but not yet read (`--max-buffered-output`), or the request frames received
/// in part (`--max-buffered-input`).
///
/// Each connection is bounded on its own, but many connections together are not: 4,096 clients
/// each parked short of a 1 MiB frame, or each holding a 3 MB batch answer they never read, add
/// up to gigabytes. Connections report their own share as it changes; the door refuses new work
/// once the sum is past the limit.
final class ByteBudget: Sendable {
    /// Bytes past which new work is refused.
    let limit: Int
    /// The Prometheus name stem (`<name>_bytes`, `<name>_limit_bytes`) and help texts.
    private let metric: (name: String, help: String, limitHelp: String)
    private let held = Atomic<Int>(0)

    init(limit: Int, metric: (name: String, help: String, limitHelp: String)) {
        self.limit = limit
        self.metric = metric
    }

    /// Adds a connection's change in held bytes.
    func adjust(by delta: Int) {
        if delta != 0 { held.add(delta, ordering: .relaxed) }
    }

    /// Bytes held across connections, as last reported.
    var heldBytes: Int { held.load(ordering: .relaxed) }

    /// Whether new work is refused now.
    var isExhausted: Bool { heldBytes > limit }

    /// The Prometheus text for the sum and the limit.
    func exposition() -> String {
        """
        # HELP \(metric.name)_bytes \(metric.help)
        # TYPE \(metric.name)_bytes gauge
        \(metric.name)_bytes \(heldBytes)
        # HELP \(metric.name)_limit_bytes \(metric.limitHelp)
        # TYPE \(metric.name)_limit_bytes gauge
        \(metric.name)_limit_bytes \(limit)

        """
    }

    /// Answers written but not yet read, and those to large batches admitted but not yet
    /// written, with the transactions those batches hold decoded.
    static func output(limit: Int) -> ByteBudget {
        ByteBudget(
            limit: limit,
            metric: ("streamify_buffered_output", "Answers written but not yet read by clients, and the expected answers and decoded transactions of large batches admitted but not yet written, over all scoring connections.",
                     "--max-buffered-output."))
    }

    /// Request frames received in part.
    static func input(limit: Int) -> ByteBudget {
        ByteBudget(
            limit: limit,
            metric: ("streamify_buffered_input", "Bytes of request frames received in part, over all scoring connections.",
                     "--max-buffered-input."))
    }
}
