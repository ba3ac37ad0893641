/// What became of a `Feedback` label (`streamify.v1.LabelOutcome`), carried in its `Ack`.
public enum LabelOutcome: Int32, Sendable, Hashable, CaseIterable {
    /// Not said: an older server.
    case unspecified = 0
    /// Card, merchant, device and model state were updated.
    case applied = 1
    /// The transaction was labelled before; nothing changed.
    case duplicate = 2
    /// Reported later than the daemon's event clock: held until the clock gets there.
    case deferred = 3
    /// Inconsistent times, too far ahead of the clock, or too many labels held; nothing changed.
    case refused = 4
}
