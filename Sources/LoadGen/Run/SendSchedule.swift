/// When each request should leave: open loop at a fixed transaction rate, or closed loop.
///
/// Open loop follows wrk2: request *n* is due at `start + position(n) / rate`, whatever happened
/// to the requests before it, and its latency counts from that intended time. A stalled server
/// therefore shows its queueing in the percentiles instead of silently slowing the load
/// (coordinated omission).
struct SendSchedule: Sendable, Hashable {
    /// Monotonic nanoseconds at which the first transaction is due.
    var startNanos: UInt64
    /// Nanoseconds between transactions; `nil` for closed loop (send whenever the pipeline allows).
    var nanosPerTransaction: Double?
    /// Answers to requests intended before this time are warm-up and not measured.
    var measureFromNanos: UInt64
    /// Requests intended at or after this time are not sent; `nil` for no time limit.
    var endNanos: UInt64?

    /// The intended send time of a request whose last transaction is at `position`.
    func intendedNanos(duePosition position: Int) -> UInt64? {
        guard let nanosPerTransaction else { return nil }
        return startNanos + UInt64(Double(position) * nanosPerTransaction)
    }
}
