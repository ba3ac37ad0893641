/// A token bucket on one connection's labels (`--max-label-rate`): up to `perSecond` labels
/// at once, refilled at `perSecond` a second of wall-clock time.
///
/// Labels are authenticated, but a client holding the role (or a stolen token) must still not be
/// able to rewrite thousands of cards' history in a fraction of a second. A label over the rate
/// is answered OVERLOADED and changes nothing; the client retries later. Wall clock on purpose:
/// this bounds work per second of real time, not anything the model learns.
struct LabelRateLimit {
    private let perSecond: Double
    private var tokens: Double
    private var lastRefill: UInt64

    /// A full bucket of `perSecond` labels.
    init(perSecond: Int, nowUptimeNanoseconds: UInt64) {
        self.perSecond = Double(perSecond)
        self.tokens = Double(perSecond)
        self.lastRefill = nowUptimeNanoseconds
    }

    /// Takes one label from the bucket at `now` (uptime nanoseconds); false when it is empty.
    mutating func admit(atUptimeNanoseconds now: UInt64) -> Bool {
        if now > lastRefill {
            tokens = min(perSecond, tokens + Double(now - lastRefill) * perSecond / 1e9)
            lastRefill = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
