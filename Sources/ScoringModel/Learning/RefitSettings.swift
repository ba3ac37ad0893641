/// How the challenger is refitted from recent outcomes, once per event-time day.
///
/// Between refits the online learner steps on each label; a refit solves the whole regression
/// again (Newton, L2 toward the challenger's prior) on the outcome reservoir, so early mistakes
/// do not linger and a changed world is followed within days.
public struct RefitSettings: Sendable, Equatable {
    /// Off: the challenger learns by online steps only.
    public var enabled: Bool
    /// Frauds kept for refits at most.
    public var fraudCapacity: Int
    /// Legitimate outcomes kept at most, after sampling.
    public var legitimateCapacity: Int
    /// One legitimate outcome in this many is kept (and weighted this much).
    public var legitimateSampling: Int
    /// Days of event time a refit looks back.
    public var windowDays: Int
    /// L2 pull toward the prior, per coefficient, in units of the total sample weight.
    public var l2: Double
    /// Share of the fit's information the online learner keeps as each coefficient's precision.
    public var confidence: Double

    /// Creates settings with every field given.
    public init(
        enabled: Bool = true, fraudCapacity: Int = 20_000, legitimateCapacity: Int = 100_000, legitimateSampling: Int = 10,
        windowDays: Int = 28, l2: Double = 1e-3, confidence: Double = 0.1
    ) {
        self.enabled = enabled
        self.fraudCapacity = fraudCapacity
        self.legitimateCapacity = legitimateCapacity
        self.legitimateSampling = legitimateSampling
        self.windowDays = windowDays
        self.l2 = l2
        self.confidence = confidence
    }
}
