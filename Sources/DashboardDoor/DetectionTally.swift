import ScoringModel
import SyntheticWorld

/// How the demo load's decisions compare with its ground truth: recall per fraud scenario
/// (flagged at `DecisionFeed.alertLevel` or above) and precision per level.
struct DetectionTally: Sendable {
    /// Frauds sent and frauds flagged, per scenario.
    private(set) var frauds: [FraudScenario: (sent: Int, flagged: Int)] = [:]
    /// Decisions and frauds among them, per level.
    private(set) var levels: [RiskLevel: (decisions: Int, frauds: Int)] = [:]

    /// Counts one decision at `level` on a transaction whose truth is `truth`.
    mutating func count(level: RiskLevel, truth: GroundTruth, alertLevel: RiskLevel) {
        levels[level, default: (0, 0)].decisions += 1
        guard let scenario = truth.scenario else { return }
        levels[level, default: (0, 0)].frauds += 1
        frauds[scenario, default: (0, 0)].sent += 1
        if level >= alertLevel { frauds[scenario, default: (0, 0)].flagged += 1 }
    }

    /// Adds another tally's counts.
    mutating func merge(_ other: DetectionTally) {
        for (scenario, counts) in other.frauds {
            frauds[scenario, default: (0, 0)].sent += counts.sent
            frauds[scenario, default: (0, 0)].flagged += counts.flagged
        }
        for (level, counts) in other.levels {
            levels[level, default: (0, 0)].decisions += counts.decisions
            levels[level, default: (0, 0)].frauds += counts.frauds
        }
    }
}
