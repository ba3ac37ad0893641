/// How the online learner adapts the installed logistic model from outcomes.
public struct LearningConfiguration: Sendable, Equatable {
    /// Off = frozen: labels still update card, merchant, device and IP state, but not the model.
    public var enabled: Bool
    /// Step size at the start; capped at `maximumLearningRate`.
    public var learningRate: Double
    /// Floor the decaying step size never goes below.
    public var minimumLearningRate: Double
    /// Step size after `n` updates: `max(learningRate / (1 + decay·n), minimumLearningRate)`.
    public var decay: Double
    /// L2 pull of every coefficient back toward the installed model's value.
    public var l2: Double
    /// Weight of a fraud label relative to a legitimate one (fraud is rare).
    public var positiveWeight: Double
    /// A new model version is published to the engine after this many updates.
    public var publishEvery: Int
    /// Largest change of any one coefficient in one update.
    public var maximumStep: Double

    /// The bound on `learningRate`.
    public static let maximumLearningRate = 0.5

    public init(
        enabled: Bool = true,
        learningRate: Double = 0.05,
        minimumLearningRate: Double = 0.005,
        decay: Double = 0.0005,
        l2: Double = 0.001,
        positiveWeight: Double = 20,
        publishEvery: Int = 25,
        maximumStep: Double = 0.25
    ) {
        self.enabled = enabled
        self.learningRate = learningRate
        self.minimumLearningRate = minimumLearningRate
        self.decay = decay
        self.l2 = l2
        self.positiveWeight = positiveWeight
        self.publishEvery = publishEvery
        self.maximumStep = maximumStep
    }

    /// The starting step size within bounds.
    var boundedLearningRate: Double { min(max(learningRate, 0), Self.maximumLearningRate) }

    /// The step size after `updates` updates.
    func rate(after updates: Int) -> Double {
        let start = boundedLearningRate
        return max(start / (1 + max(decay, 0) * Double(updates)), min(max(minimumLearningRate, 0), start))
    }
}
