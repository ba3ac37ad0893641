/// Event time as the state tables store it: whole seconds since 2000-01-01T00:00:00Z in a `UInt32`.
///
/// Every window, TTL and travel speed is computed from the transactions' own timestamps,
/// never the wall clock, so replays and tests are deterministic.
public enum EventTime {
    /// Seconds in an event-time day; day `n` starts at `n * daySeconds` (UTC midnight).
    public static let daySeconds: UInt32 = 86_400
    /// 2000-01-01T00:00:00Z in Unix epoch milliseconds: the earliest accepted event time.
    public static let earliestUnixMs: Int64 = 946_684_800_000
    /// 2100-01-01T00:00:00Z in Unix epoch milliseconds: event times must be before this.
    public static let latestUnixMs: Int64 = 4_102_444_800_000

    /// Whether `unixMs` is an event time the daemon accepts.
    @inlinable
    public static func isValid(unixMs: Int64) -> Bool {
        unixMs >= earliestUnixMs && unixMs < latestUnixMs
    }

    /// Seconds since 2000-01-01 for a valid Unix epoch millisecond timestamp.
    @inlinable
    public static func seconds(fromUnixMs unixMs: Int64) -> UInt32 {
        UInt32(clamping: (unixMs - earliestUnixMs) / 1000)
    }

    /// Unix epoch milliseconds for stored seconds.
    @inlinable
    public static func unixMs(fromSeconds seconds: UInt32) -> Int64 {
        earliestUnixMs + Int64(seconds) * 1000
    }
}
