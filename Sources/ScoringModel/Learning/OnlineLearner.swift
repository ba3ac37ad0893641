#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Trains the challenger: a logistic model over the feature vector, learned online from the
/// outcome stream, off the scoring path, starting from the champion.
///
/// The prior is the champion itself. A logistic champion (a trained file) is copied, with the
/// precisions the file gives. The hand-set noisy-OR becomes `σ(1 · handset_logit)`, the same
/// scores, with every other coefficient at 0: the challenger learns how far to trust the
/// champion and what to add to it.
///
/// One label at a time, under one lock (labels are rare next to scores), it takes a Newton step
/// per coefficient on the logistic loss of the feature vector the transaction was scored with:
/// each coefficient keeps a precision (how much evidence backs it), starting from the prior's
/// and growing with every label that involves its feature; the step is the gradient divided by
/// that precision. A coefficient the prior was sure of barely moves; one for a feature nothing
/// informed (a new payment method a fraud ring adopts) moves fast on its first labels, then
/// settles as evidence accumulates. That precision is the regularisation: a prior of precision
/// p pulls like an L2 penalty of strength p around it.
///
/// Guards: a bounded step share, each coefficient's step clipped, non-finite vectors refused.
/// Every `publishEvery` updates it publishes a new version, `<champion>+online.<n>`, carrying the
/// learned coefficients and their precisions, for the engine to hold as its challenger.
/// Installing a champion (SIGHUP) restarts learning from it.
public final class OnlineLearner: @unchecked Sendable {
    private let mutex = PaddedMutex()
    /// The settings it was created with (`isFrozen` may change since).
    public let configuration: LearningConfiguration
    private var frozen: Bool
    /// The prior learning started from (the champion as a logistic model).
    private var base: RiskModel?
    private var weights: InlineArray<64, Double> = .init(repeating: 0)
    private var precision: InlineArray<64, Double> = .init(repeating: 0)
    private var bias = 0.0
    private var biasPrecision = 0.0
    private var root = ""
    private var publication = 0
    private var updates = 0
    private var pending = 0

    /// A learner with no champion yet (frozen if `configuration.enabled` is off).
    public init(configuration: LearningConfiguration = LearningConfiguration()) {
        self.configuration = configuration
        self.frozen = !configuration.enabled
    }

    /// Frozen: labels no longer change the model (they still update entity state).
    public var isFrozen: Bool {
        get { mutex.withLock { frozen } }
        set { mutex.withLock { frozen = newValue } }
    }

    /// Updates applied since learning last (re)started.
    public var updateCount: Int { mutex.withLock { updates } }

    /// Restarts learning from `champion` and runs `install` with the prior under the learner's
    /// lock, so no publication from the previous champion can overwrite it.
    func rebase(on champion: RiskModel, then install: (RiskModel) -> Void) {
        mutex.withLock {
            let model = Self.prior(following: champion, championPrecision: configuration.championPrecision)
            base = model
            load(model.logistic ?? LogisticCombiner())
            (root, publication) = Self.split(version: model.version)
            updates = 0
            pending = 0
            install(model)
        }
    }

    /// The challenger a champion starts: itself if logistic, else `σ(handset_logit)` (the
    /// noisy-OR's own scores) with `championPrecision` on that coefficient.
    public static func prior(following champion: RiskModel, championPrecision: Double) -> RiskModel {
        guard champion.logistic == nil else { return champion }
        var combiner = LogisticCombiner()
        combiner[feature: FeatureVector.handsetLogit] = 1
        combiner.precision[FeatureVector.handsetLogit] = Float(max(championPrecision, 0))
        var model = champion
        model.combiner = .logistic(combiner)
        return model
    }

    /// The prior learning started from (what refits are pulled toward); nil before the first champion.
    var prior: LogisticCombiner? { mutex.withLock { base?.logistic } }

    /// Starts again from a refit's coefficients and precisions (floored) and publishes the
    /// result at once as a new version. Nothing happens while frozen, or when the fit was pulled
    /// toward another prior than today's (a champion was installed while it ran).
    func adopt(_ fit: LogisticCombiner, fittedTo prior: LogisticCombiner, publish: (RiskModel) -> Void) {
        mutex.withLock {
            guard !frozen, let base, base.logistic == prior else { return }
            load(fit)
            if let model = nextVersion() { publish(model) }
        }
    }

    /// One update from a label on a transaction scored with `features`; when a new version is
    /// due, `publish` gets it (under the learner's lock). False when nothing was learned.
    @discardableResult
    func learn(_ features: FeatureVector, fraud: Bool, publish: (RiskModel) -> Void) -> Bool {
        guard features.isFinite else { return false }
        return mutex.withLock {
            guard !frozen, base != nil else { return false }
            // Worked on in locals and spans: indexing inline arrays held by a class or passed
            // in copies them at every read.
            var weights = self.weights
            var precision = self.precision
            let values = features.values.span
            var z = bias
            for index in 0..<FeatureVector.count { z += weights[index] * Double(values[index]) }
            let probability = 1 / (1 + exp(-min(max(z, -40), 40)))
            let weight = fraud ? max(configuration.positiveWeight, 0) : 1
            let gradient = weight * (probability - (fraud ? 1 : 0))
            // Curvature floored, so a confident mistake still adds evidence and steps shrink.
            let curvature = weight * max(probability * (1 - probability), 1e-4)
            let rate = configuration.boundedLearningRate
            let limit = max(configuration.maximumStep, 0)
            let magnitude = Double(LogisticCombiner.maximumMagnitude)
            for index in 0..<FeatureVector.count {
                let x = Double(values[index])
                guard x != 0 else { continue }
                precision[index] += curvature * x * x
                let step = min(max(rate * gradient * x / precision[index], -limit), limit)
                weights[index] = min(max(weights[index] - step, -magnitude), magnitude)
            }
            self.weights = weights
            self.precision = precision
            biasPrecision += curvature
            bias = min(max(bias - min(max(rate * gradient / biasPrecision, -limit), limit), -magnitude), magnitude)
            updates += 1
            pending += 1
            if pending >= max(configuration.publishEvery, 1), let model = nextVersion() {
                publish(model)
            }
            return true
        }
    }

    /// Publishes the learned state now (if anything changed since the last version) and
    /// returns it: a deployable model file. Nil while idle.
    func snapshot(publish: (RiskModel) -> Void) -> RiskModel? {
        mutex.withLock {
            guard base != nil else { return nil }
            if pending > 0, let model = nextVersion() {
                publish(model)
                return model
            }
            return current()
        }
    }

    /// Starts from `combiner`'s coefficients, its precisions floored at `minimumPrecision`; call under the lock.
    private func load(_ combiner: LogisticCombiner) {
        let floor = max(configuration.minimumPrecision, 1e-6)
        for index in 0..<FeatureVector.capacity {
            weights[index] = Double(combiner.coefficients[index])
            precision[index] = max(Double(combiner.precision[index]), floor)
        }
        bias = Double(combiner.bias)
        biasPrecision = max(Double(combiner.biasPrecision), floor)
    }

    /// Bumps the version and returns the learned model; call under the lock.
    private func nextVersion() -> RiskModel? {
        publication += 1
        pending = 0
        return current()
    }

    /// The learned state as a model, under the current version; call under the lock.
    private func current() -> RiskModel? {
        guard var model = base else { return nil }
        var combiner = LogisticCombiner(bias: Float(bias))
        for index in 0..<FeatureVector.count {
            combiner[feature: index] = Float(weights[index])
            combiner.precision[index] = Float(min(precision[index], 1e30))
        }
        combiner.biasPrecision = Float(min(biasPrecision, 1e30))
        model.combiner = .logistic(combiner)
        model.version = Self.version(root: root, publication: publication)
        return model
    }

    /// `name+online.7` → ("name", 7); anything else → (version, 0).
    static func split(version: String) -> (root: String, publication: Int) {
        let marker = Array("+online.".utf8)
        let bytes = Array(version.utf8)
        var start = bytes.count - marker.count
        while start >= 0 {
            if bytes[start..<start + marker.count].elementsEqual(marker) {
                let digits = bytes[(start + marker.count)...]
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                    let number = Int(String(decoding: digits, as: UTF8.self))
                else { return (version, 0) }
                return (String(decoding: bytes[..<start], as: UTF8.self), number)
            }
            start -= 1
        }
        return (version, 0)
    }

    /// `root+online.n`, shortening the root so the whole fits a model version (`RiskModel.maximumVersionBytes`).
    static func version(root: String, publication: Int) -> String {
        guard publication > 0 else { return root }
        let suffix = "+online.\(publication)"
        let room = RiskModel.maximumVersionBytes - suffix.utf8.count
        // Whole characters only: bytes cut inside one would decode as U+FFFD, three bytes, and
        // take the version past the limit every model file and changelog record is held to.
        var trimmed = ""
        for character in root {
            guard trimmed.utf8.count + character.utf8.count <= room else { break }
            trimmed.append(character)
        }
        return trimmed + suffix
    }

    /// Writes the learner's whole state; `isFrozen` is configuration and is not written.
    func write(to writer: inout StateWriter) {
        mutex.withLock {
            writer.write(base)
            writer.write(weights)
            writer.write(precision)
            writer.write(bias)
            writer.write(biasPrecision)
            writer.write(root)
            writer.write(Int64(publication))
            writer.write(Int64(updates))
            writer.write(Int64(pending))
        }
    }

    /// Takes over what `write(to:)` wrote.
    func restore(from reader: inout StateReader) throws(StateFormatError) {
        let base = try reader.readModel()
        let weights = try reader.read(InlineArray<64, Double>.self)
        let precision = try reader.read(InlineArray<64, Double>.self)
        let bias = try reader.read(Double.self)
        let biasPrecision = try reader.read(Double.self)
        let root = try reader.readString()
        let publication = try reader.read(Int64.self)
        let updates = try reader.read(Int64.self)
        let pending = try reader.read(Int64.self)
        mutex.withLock {
            self.base = base
            self.weights = weights
            self.precision = precision
            self.bias = bias
            self.biasPrecision = biasPrecision
            self.root = root
            self.publication = Int(publication)
            self.updates = Int(updates)
            self.pending = Int(pending)
        }
    }
}
