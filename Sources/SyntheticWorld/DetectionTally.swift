import StreamifyWire

/// Scores and alert levels against ground truth, in fixed-size counters that merge across
/// connections: scores in 10,000 bins, levels per scenario. Used by loadgen's reports and the
/// dashboard's demo load.
public struct DetectionTally: Sendable, Hashable {
    public static let scoreBins = 10_000
    /// Rows: 0 legitimate, 1...6 the scenarios (`FraudScenario.code`).
    public static let truthRows = FraudScenario.allCases.count + 1
    /// Alert levels by wire number, `unspecified` (0) included.
    public static let levels = AlertLevel.allCases.count

    /// Fraud and legitimate counts per score bin.
    private(set) var fraudByBin = [UInt64](repeating: 0, count: scoreBins)
    private(set) var legitimateByBin = [UInt64](repeating: 0, count: scoreBins)
    /// `[truth row * levels + level]`.
    private(set) var byTruthAndLevel = [UInt64](repeating: 0, count: truthRows * levels)
    /// Summed scores per truth row.
    public private(set) var scoreSumByTruth = [Double](repeating: 0, count: truthRows)

    /// Nothing counted.
    public init() {}

    public static func bin(_ score: Float) -> Int {
        let clamped = Swift.min(Swift.max(Double(score), 0), 1)
        return Swift.min(Int(clamped * Double(scoreBins)), scoreBins - 1)
    }

    /// Counts one scored transaction; unknown truth (`GroundTruth.unknownCode`) is ignored.
    public mutating func record(score: Float, levelRawValue: Int32, truthCode: UInt8) {
        guard Int(truthCode) < Self.truthRows else { return }
        let bin = Self.bin(score)
        if truthCode == 0 { legitimateByBin[bin] += 1 } else { fraudByBin[bin] += 1 }
        let level = Swift.min(Swift.max(Int(levelRawValue), 0), Self.levels - 1)
        byTruthAndLevel[Int(truthCode) * Self.levels + level] += 1
        scoreSumByTruth[Int(truthCode)] += Double(score)
    }

    /// Adds another tally's counts.
    public mutating func merge(_ other: DetectionTally) {
        for index in 0..<Self.scoreBins {
            fraudByBin[index] += other.fraudByBin[index]
            legitimateByBin[index] += other.legitimateByBin[index]
        }
        for index in byTruthAndLevel.indices { byTruthAndLevel[index] += other.byTruthAndLevel[index] }
        for index in scoreSumByTruth.indices { scoreSumByTruth[index] += other.scoreSumByTruth[index] }
    }

    /// Transactions with this truth (0 legitimate, else a scenario code) at this level.
    public func count(truthCode: Int, level: Int) -> UInt64 {
        byTruthAndLevel[truthCode * Self.levels + level]
    }

    /// Transactions with this truth, any level.
    public func count(truthCode: Int) -> UInt64 {
        (0..<Self.levels).reduce(0) { $0 + count(truthCode: truthCode, level: $1) }
    }

    /// Frauds, legitimate transactions and both counted.
    public var fraudCount: UInt64 { (1..<Self.truthRows).reduce(0) { $0 + count(truthCode: $1) } }
    public var legitimateCount: UInt64 { count(truthCode: 0) }
    public var total: UInt64 { fraudCount + legitimateCount }

    /// Area under the ROC curve: the chance a random fraud scores above a random legitimate
    /// transaction, ties counting half. `nil` without both classes.
    public var rocAUC: Double? {
        let frauds = Double(fraudCount)
        let legitimates = Double(legitimateCount)
        guard frauds > 0, legitimates > 0 else { return nil }
        var legitimateBelow = 0.0
        var area = 0.0
        for bin in 0..<Self.scoreBins {
            let legitimate = Double(legitimateByBin[bin])
            // Each fraud in this bin beats the legitimate ones below it and ties those in it.
            area += Double(fraudByBin[bin]) * (legitimateBelow + legitimate / 2)
            legitimateBelow += legitimate
        }
        return area / (frauds * legitimates)
    }

    /// Average precision: precision at each fraud's threshold, averaged over the frauds
    /// (thresholds at bin edges, a bin's ties taken together). `nil` without fraud.
    public var averagePrecision: Double? {
        let frauds = Double(fraudCount)
        guard frauds > 0 else { return nil }
        var truePositives = 0.0
        var falsePositives = 0.0
        var sum = 0.0
        for bin in stride(from: Self.scoreBins - 1, through: 0, by: -1) {
            let fraud = Double(fraudByBin[bin])
            truePositives += fraud
            falsePositives += Double(legitimateByBin[bin])
            if fraud > 0 { sum += fraud / frauds * truePositives / (truePositives + falsePositives) }
        }
        return sum
    }
}
