/// How the online learner trains the challenger from outcomes, and when the challenger serves.
public struct LearningConfiguration: Sendable, Equatable {
    /// Off = frozen: labels still update card, merchant, device and IP state, but not the model.
    public var enabled: Bool
    /// Share of each per-coefficient Newton step taken (bounded by `maximumLearningRate`).
    public var learningRate: Double
    /// Precision of a coefficient the model file gives none for (or less): how little the
    /// learner trusts a coefficient nothing informed. Small values let such coefficients move fast.
    public var minimumPrecision: Double
    /// Weight of a fraud label relative to a legitimate one (1 keeps scores calibrated).
    public var positiveWeight: Double
    /// A new model version is published to the engine after this many updates.
    public var publishEvery: Int
    /// Largest change of any one coefficient in one update.
    public var maximumStep: Double
    /// How much a challenger learned from the hand-set champion trusts it at first: the
    /// precision of its `handset_logit` coefficient (1 to start with).
    public var championPrecision: Double
    /// When the challenger takes over and hands back.
    public var challenger: ChallengerPolicy
    /// How the challenger is refitted from recent outcomes.
    public var refit: RefitSettings

    /// The bound on `learningRate`.
    public static let maximumLearningRate = 1.0

    /// Creates a configuration with every field given.
    public init(
        enabled: Bool = true,
        learningRate: Double = 0.5,
        minimumPrecision: Double = 1,
        positiveWeight: Double = 1,
        publishEvery: Int = 25,
        maximumStep: Double = 0.25,
        championPrecision: Double = 100,
        challenger: ChallengerPolicy = ChallengerPolicy(),
        refit: RefitSettings = RefitSettings()
    ) {
        self.enabled = enabled
        self.learningRate = learningRate
        self.minimumPrecision = minimumPrecision
        self.positiveWeight = positiveWeight
        self.publishEvery = publishEvery
        self.maximumStep = maximumStep
        self.championPrecision = championPrecision
        self.challenger = challenger
        self.refit = refit
    }

    /// The step share within bounds.
    var boundedLearningRate: Double { min(max(learningRate, 0), Self.maximumLearningRate) }
}
