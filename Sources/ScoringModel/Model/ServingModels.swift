/// The two models every decision is made with: the one that answers and the one scored in its
/// shadow, so both can be judged on the same outcomes later.
///
/// Immutable and shared: the engine swaps the whole value when the learner publishes or the
/// challenger takes over, and a request holds the one it read for all of its steps.
public final class ServingModels: Sendable {
    /// The champion: the hand-set model or the deployed file, fixed until the next install.
    public let champion: RiskModel
    /// The learned challenger as last published (a logistic model).
    public let challenger: RiskModel
    /// Whether the challenger answers.
    public let challengerServes: Bool
    /// Which install these models belong to (it changes with every champion installed): a
    /// transaction scored under an earlier one is not used to judge these models.
    public let generation: UInt16

    /// The pair, with the one that answers.
    public init(champion: RiskModel, challenger: RiskModel, challengerServes: Bool, generation: UInt16 = 0) {
        self.champion = champion
        self.challenger = challenger
        self.challengerServes = challengerServes
        self.generation = generation
    }

    /// The model that answers; its version is the `model_version` reported.
    @inline(__always)
    public var served: RiskModel { challengerServes ? challenger : champion }

    /// The version of the model that answers, read without copying the model (as `served` does).
    @inline(__always)
    public var servedVersion: String { challengerServes ? challenger.version : champion.version }

    /// Assesses `context` with the model that answers, in place. Reading `served` first copied
    /// the 569-byte model twice per transaction; the compiler still hands `assess` one copy
    /// (docs/performance.md §23).
    @inline(__always)
    func assess(_ context: ScoringContext, features: inout FeatureVector, into assessment: inout RiskAssessment) {
        if challengerServes {
            challenger.assess(context, features: &features, into: &assessment)
        } else {
            champion.assess(context, features: &features, into: &assessment)
        }
    }

    /// `model` answering alone, scored against itself in the shadow (tools that need one model).
    public convenience init(only model: RiskModel) {
        self.init(champion: model, challenger: model, challengerServes: false)
    }

    /// The same champion and generation with `challenger`, answering if `serves` (as now unless given).
    func replacing(challenger: RiskModel, serves: Bool? = nil) -> ServingModels {
        ServingModels(
            champion: champion, challenger: challenger, challengerServes: serves ?? challengerServes, generation: generation)
    }
}

extension RiskModel {
    /// The score this model gives a transaction already assessed into `features` (the shadow
    /// model's score: no factor is evaluated again). A noisy-OR reads its own verdict back from
    /// `handset_logit`, which its weights computed.
    @inline(__always)
    func shadowScore(_ features: FeatureVector) -> Float {
        if let logistic { return Float(logistic.probability(features)) }
        return Float(LogOdds.probability(Double(features[FeatureVector.handsetLogit])))
    }
}
