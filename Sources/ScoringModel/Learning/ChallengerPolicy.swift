/// When the learned challenger takes over from the champion, and when it hands back.
///
/// At each housekeeping round the engine compares both models' prequential quality over the
/// scoreboard's window (`ModelScoreboard`): the challenger serves once its average precision
/// beats the champion's by `margin` on at least `minimumFrauds` fraud and `minimumLegitimate`
/// legitimate outcomes, and the champion serves again as soon as the challenger's falls below
/// the champion's. A challenger that serves answers with levels calibrated on the same
/// outcomes: each level starts where the outcomes at or above it reach its target precision.
public struct ChallengerPolicy: Sendable, Equatable {
    /// Average precision the challenger must gain over the champion to take over.
    public var margin: Double
    /// Fraud outcomes in the window before any comparison counts.
    public var minimumFrauds: Int
    /// Legitimate outcomes in the window before any comparison counts.
    public var minimumLegitimate: Int
    /// Days of event time the comparison covers.
    public var windowDays: Int
    /// Share of fraud wanted among a serving challenger's alerts at or above medium, high and critical.
    public var mediumPrecision: Double
    public var highPrecision: Double
    public var criticalPrecision: Double

    /// Creates a policy with every field given.
    public init(
        margin: Double = 0.02, minimumFrauds: Int = 30, minimumLegitimate: Int = 300, windowDays: Int = 7,
        mediumPrecision: Double = 0.35, highPrecision: Double = 0.75, criticalPrecision: Double = 0.95
    ) {
        self.margin = margin
        self.minimumFrauds = minimumFrauds
        self.minimumLegitimate = minimumLegitimate
        self.windowDays = windowDays
        self.mediumPrecision = mediumPrecision
        self.highPrecision = highPrecision
        self.criticalPrecision = criticalPrecision
    }

    /// Whether `quality` rests on enough outcomes to be compared.
    public func isSettled(_ quality: RankingQuality) -> Bool {
        quality.frauds >= minimumFrauds && quality.legitimate >= minimumLegitimate
    }

    /// Whether the challenger should answer, given which one does now and both qualities.
    public func challengerServes(now serving: Bool, champion: RankingQuality, challenger: RankingQuality) -> Bool {
        guard isSettled(challenger) else { return false }
        if serving { return challenger.averagePrecision >= champion.averagePrecision }
        return challenger.averagePrecision >= champion.averagePrecision + margin
    }

    /// Levels for a challenger whose recent outcomes are `histogram`; nil until the medium
    /// target can be reached. Strictly increasing within (0, 1], as a model requires.
    public func thresholds(from histogram: ScoreHistogram) -> RiskModel.Thresholds? {
        guard let medium = histogram.lowestScore(reachingPrecision: mediumPrecision) else { return nil }
        let low = min(max(medium, 1e-4), Float(1).nextDown.nextDown)
        let high = min(max(histogram.lowestScore(reachingPrecision: highPrecision) ?? 1, low.nextUp), Float(1).nextDown)
        let critical = min(max(histogram.lowestScore(reachingPrecision: criticalPrecision) ?? 1, high.nextUp), 1)
        return RiskModel.Thresholds(medium: low, high: high, critical: critical)
    }
}
