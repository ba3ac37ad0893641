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
        let cuts = RankingMetrics.descendingCuts(scores: scores, fraud: fraud)
        let positives = max(cuts.last?.truePositives ?? 0, 1)
        func lowest(reaching target: Double) -> Float {
            cuts.last { $0.precision >= target }?.score ?? 1
        }
        // Strictly increasing within (0, 1], as a model file requires.
        let medium = min(max(lowest(reaching: mediumPrecision), 1e-4), Float(1).nextDown.nextDown)
        let high = min(max(lowest(reaching: highPrecision), medium.nextUp), Float(1).nextDown)
        let critical = min(max(lowest(reaching: criticalPrecision), high.nextUp), 1)
        let levels = [medium, high, critical].map { threshold in
            let cut = cuts.last { $0.score >= threshold }
            return Level(
                threshold: threshold, precision: cut?.precision ?? 0,
                recall: Double(cut?.truePositives ?? 0) / Double(positives))
        }
        return (RiskModel.Thresholds(medium: medium, high: high, critical: critical), levels)
    }
}
