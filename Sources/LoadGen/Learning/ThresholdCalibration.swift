import ScoringModel

/// Picks a trained model's alert thresholds from its scores on the training set: each level
/// starts at the lowest score where the alerts at or above it still reach a target precision.
///
/// A logistic score is a probability, but what an analyst needs from "high" is a promise about
/// how many of its alerts are fraud; this keeps the levels meaning that.
struct ThresholdCalibration {
    /// Wanted share of fraud among alerts at or above medium, high and critical.
    var mediumPrecision = 0.35
    var highPrecision = 0.75
    var criticalPrecision = 0.95

    /// Precision and recall of the alerts at or above one threshold, on the training set.
    struct Level: Sendable, Codable {
        var threshold: Float
        var precision: Double
        var recall: Double
    }

    /// The thresholds (strictly increasing within (0, 1]) and what they give on `scores`.
    func thresholds(scores: [Float], fraud: [Bool]) -> (RiskModel.Thresholds, [Level]) {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = max(fraud.reduce(0) { $0 + ($1 ? 1 : 0) }, 1)
        // Cumulative precision at the end of each group of equal scores, highest score first.
        var cuts: [(score: Float, precision: Double, recall: Double)] = []
        var truePositives = 0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            for position in start..<end where fraud[order[position]] { truePositives += 1 }
            cuts.append((scores[order[start]], Double(truePositives) / Double(end), Double(truePositives) / Double(positives)))
            start = end
        }
        func lowest(reaching target: Double) -> Float {
            cuts.last { $0.precision >= target }?.score ?? 1
        }
        // Strictly increasing within (0, 1], as a model file requires.
        let medium = min(max(lowest(reaching: mediumPrecision), 1e-4), Float(1).nextDown.nextDown)
        let high = min(max(lowest(reaching: highPrecision), medium.nextUp), Float(1).nextDown)
        let critical = min(max(lowest(reaching: criticalPrecision), high.nextUp), 1)
        let levels = [medium, high, critical].map { threshold in
            let cut = cuts.last { $0.score >= threshold }
            return Level(threshold: threshold, precision: cut?.precision ?? 0, recall: cut?.recall ?? 0)
        }
        return (RiskModel.Thresholds(medium: medium, high: high, critical: critical), levels)
    }
}
