#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fits a `LogisticCombiner` to labelled feature vectors: L2-regularised, class-weighted
/// logistic regression by Newton's method (iteratively reweighted least squares).
///
/// Deterministic and dependency-free; `loadgen train` feeds it the feature vectors of labelled
/// transactions. Features that never vary get no weight (the ridge term keeps the system
/// solvable). The bias is not regularised. The fitted combiner carries each coefficient's
/// precision (the data's Fisher information), so online learning knows what training was sure of.
public struct LogisticTrainer: Sendable {
    /// L2 penalty per coefficient (in units of the total sample weight).
    public var l2: Double
    /// Weight of a fraud sample relative to a legitimate one.
    public var positiveWeight: Double
    /// Newton steps at most; stops earlier once the largest change is below `tolerance`.
    public var iterations: Int
    /// Fitting stops once a Newton step changes no parameter by this much.
    public var tolerance: Double
    /// Share of the data's information recorded as each coefficient's precision (what online
    /// learning starts from): 1 trusts training fully; smaller lets the learner move further.
    public var confidence: Double

    /// Creates a trainer with every setting given.
    public init(
        l2: Double = 1e-3, positiveWeight: Double = 1, iterations: Int = 25, tolerance: Double = 1e-6,
        confidence: Double = 1
    ) {
        self.l2 = l2
        self.positiveWeight = positiveWeight
        self.confidence = confidence
        self.iterations = iterations
        self.tolerance = tolerance
    }

    /// Errors fitting.
    public struct TrainingError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Fits to `samples` (feature vector, fraud?). Needs both classes.
    public func fit(_ samples: [(features: FeatureVector, fraud: Bool)]) throws(TrainingError) -> LogisticCombiner {
        try fit(weighted: samples.map { ($0.features, $0.fraud, $0.fraud ? positiveWeight : 1) })
    }

    /// Fits to weighted samples (a sampled class weighted back up), the L2 penalty pulling each
    /// coefficient toward `prior`'s (toward 0 without one), starting from it. Needs both classes.
    public func fit(
        weighted samples: [(features: FeatureVector, fraud: Bool, weight: Double)], prior: LogisticCombiner? = nil
    ) throws(TrainingError) -> LogisticCombiner {
        guard samples.contains(where: \.fraud), samples.contains(where: { !$0.fraud }) else {
            throw TrainingError(description: "training needs both fraud and legitimate samples")
        }
        guard samples.allSatisfy({ $0.features.isFinite && $0.weight.isFinite && $0.weight > 0 }) else {
            throw TrainingError(description: "a sample has a non-finite feature or a weight that is not positive")
        }
        // Parameter 0 is the bias; parameter i + 1 is feature i.
        let n = FeatureVector.count + 1
        var center = [Double](repeating: 0, count: n)
        if let prior {
            center[0] = Double(prior.bias)
            for index in 0..<FeatureVector.count { center[index + 1] = Double(prior[feature: index]) }
        }
        var beta = center
        let totalWeight = samples.reduce(0.0) { $0 + $1.weight }
        let ridge = max(l2, 1e-9) * totalWeight
        var x = [Double](repeating: 0, count: n)
        // The data's curvature along each parameter (Fisher information) at the last step.
        var information = [Double](repeating: 0, count: n)
        for _ in 0..<max(iterations, 1) {
            var gradient = [Double](repeating: 0, count: n)
            var hessian = [Double](repeating: 0, count: n * n)
            for sample in samples {
                x[0] = 1
                for index in 0..<FeatureVector.count { x[index + 1] = Double(sample.features[index]) }
                var z = 0.0
                for index in 0..<n { z += beta[index] * x[index] }
                let p = 1 / (1 + exp(-min(max(z, -40), 40)))
                let weight = sample.weight
                let residual = weight * (p - (sample.fraud ? 1 : 0))
                let curvature = weight * max(p * (1 - p), 1e-9)
                for row in 0..<n where x[row] != 0 {
                    gradient[row] += residual * x[row]
                    let scaled = curvature * x[row]
                    for column in row..<n where x[column] != 0 {
                        hessian[row * n + column] += scaled * x[column]
                    }
                }
            }
            for row in 0..<n { information[row] = hessian[row * n + row] }
            for row in 1..<n {
                gradient[row] += ridge * (beta[row] - center[row])
                hessian[row * n + row] += ridge
            }
            hessian[0] += 1e-9 * totalWeight
            for row in 0..<n {
                for column in 0..<row { hessian[row * n + column] = hessian[column * n + row] }
            }
            guard var step = Self.solve(hessian, gradient, n: n) else {
                throw TrainingError(description: "the Newton system is singular")
            }
            // Damped Newton: at most `maximumStep` log-odds per parameter, halved until the
            // penalised loss falls. A start far from the optimum (a prior that scores most
            // samples near 0 or 1) would otherwise overshoot where the curvature is tiny.
            let longest = step.reduce(0.0) { max($0, abs($1)) }
            if longest > Self.maximumStep {
                for index in 0..<n { step[index] *= Self.maximumStep / longest }
            }
            // A short step is safe (Newton near its optimum): the loss is only checked for long ones,
            // within its rounding.
            var candidate = beta
            for index in 0..<n { candidate[index] = beta[index] - step[index] }
            if min(longest, Self.maximumStep) > Self.checkedStep {
                let before = penalisedLoss(beta, samples: samples, center: center, ridge: ridge)
                let allowed = before + 1e-9 * abs(before)
                var share = 1.0
                while penalisedLoss(candidate, samples: samples, center: center, ridge: ridge) > allowed {
                    share /= 2
                    // No step along this direction lowers the loss: this is as good as it gets.
                    guard share >= 1e-3 else {
                        candidate = beta
                        break
                    }
                    for index in 0..<n { candidate[index] = beta[index] - share * step[index] }
                }
            }
            var largest = 0.0
            for index in 0..<n {
                largest = max(largest, abs(candidate[index] - beta[index]))
            }
            beta = candidate
            if largest < tolerance { break }
        }
        var combiner = LogisticCombiner(bias: Float(beta[0]))
        let bound = Double(LogisticCombiner.maximumMagnitude)
        combiner.bias = Float(min(max(beta[0], -bound), bound))
        for index in 0..<FeatureVector.count {
            combiner[feature: index] = Float(min(max(beta[index + 1], -bound), bound))
            combiner.precision[index] = Float(min(max(confidence, 0) * information[index + 1], 1e30))
        }
        combiner.biasPrecision = Float(min(max(confidence, 0) * information[0], 1e30))
        return combiner
    }

    /// Largest change of one parameter in one Newton step, in log-odds.
    static let maximumStep = 5.0
    /// Steps longer than this (in log-odds, on some parameter) are checked against the loss.
    static let checkedStep = 0.5

    /// The weighted logistic loss plus the L2 pull toward `center` (the bias is not pulled).
    private func penalisedLoss(
        _ beta: [Double], samples: [(features: FeatureVector, fraud: Bool, weight: Double)], center: [Double], ridge: Double
    ) -> Double {
        var loss = 0.0
        for sample in samples {
            var z = beta[0]
            for index in 0..<FeatureVector.count where sample.features[index] != 0 {
                z += beta[index + 1] * Double(sample.features[index])
            }
            // -log σ(z) for fraud, -log(1 - σ(z)) otherwise, computed stably.
            let margin = sample.fraud ? z : -z
            loss += sample.weight * (margin > 0 ? log1p(exp(-margin)) : -margin + log1p(exp(margin)))
        }
        for index in 1..<beta.count {
            let offset = beta[index] - center[index]
            loss += 0.5 * ridge * offset * offset
        }
        return loss
    }

    /// Solves `a · x = b` for a symmetric positive definite `a` (Cholesky); nil if it is not.
    static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in 0...row {
                var sum = a[row * n + column]
                for k in 0..<column { sum -= l[row * n + k] * l[column * n + k] }
                if row == column {
                    guard sum > 0 else { return nil }
                    l[row * n + row] = sum.squareRoot()
                } else {
                    l[row * n + column] = sum / l[column * n + column]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for row in 0..<n {
            var sum = b[row]
            for k in 0..<row { sum -= l[row * n + k] * y[k] }
            y[row] = sum / l[row * n + row]
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[row]
            for k in (row + 1)..<n { sum -= l[k * n + row] * x[k] }
            x[row] = sum / l[row * n + row]
        }
        return x
    }
}
