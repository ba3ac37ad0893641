/// Scores of fraud and of legitimate transactions, binned on the log-odds scale, and the
/// ranking quality (ROC AUC, average precision) they give.
///
/// Fixed-size and allocation-free, so the engine can keep one per model and day for its
/// rolling, prequential comparison of champion and challenger. Bins are `binWidth` log-odds
/// wide between ±`logitBound`: fine enough that two models ranking the same outcomes
/// differently show it, and scores closer than a bin count as ties (half credit, as sklearn's
/// `roc_auc_score` gives ties; one threshold per bin for average precision).
public struct ScoreHistogram: Sendable, BitwiseCopyable {
    /// One count per bin.
    typealias Bins = InlineArray<480, UInt32>
    /// Bins per class.
    public static let binCount = Bins.count
    /// Log-odds covered on either side of 0; scores beyond fall in the end bins.
    public static let logitBound = 12.0
    static let binWidth = 2 * logitBound / Double(binCount)

    var fraud: Bins
    var legitimate: Bins

    /// Empty.
    public init() {
        fraud = .init(repeating: 0)
        legitimate = .init(repeating: 0)
    }

    /// The bin of a score in 0...1.
    @inline(__always)
    static func bin(of score: Float) -> Int {
        let logit = LogOdds.of(Double(score), within: logitBound)
        let index = Int(((logit + logitBound) / binWidth).rounded(.down))
        return min(max(index, 0), binCount - 1)
    }

    /// Counts one outcome scored `score`.
    public mutating func add(score: Float, fraud isFraud: Bool) {
        let index = Self.bin(of: score)
        if isFraud {
            fraud[index] &+= 1
        } else {
            legitimate[index] &+= 1
        }
    }

    /// Adds another histogram's counts.
    public mutating func merge(_ other: ScoreHistogram) {
        let otherFraud = other.fraud.span
        let otherLegitimate = other.legitimate.span
        for index in 0..<Self.binCount {
            fraud[index] &+= otherFraud[index]
            legitimate[index] &+= otherLegitimate[index]
        }
    }

    /// Fraud and legitimate outcomes counted.
    public var counts: (fraud: Int, legitimate: Int) {
        var positives = 0
        var negatives = 0
        let fraud = fraud.span
        let legitimate = legitimate.span
        for index in 0..<Self.binCount {
            positives += Int(fraud[index])
            negatives += Int(legitimate[index])
        }
        return (positives, negatives)
    }

    /// ROC AUC and average precision of the scores counted (0 where a class is missing).
    public var quality: RankingQuality {
        let (positives, negatives) = counts
        guard positives > 0, negatives > 0 else {
            return RankingQuality(rocAUC: 0, averagePrecision: 0, frauds: positives, legitimate: negatives)
        }
        var fraudAbove = 0.0
        var legitimateAbove = 0.0
        var pairs = 0.0
        var precisionSum = 0.0
        let fraud = fraud.span
        let legitimate = legitimate.span
        for index in stride(from: Self.binCount - 1, through: 0, by: -1) {
            let f = Double(fraud[index])
            let l = Double(legitimate[index])
            guard f > 0 || l > 0 else { continue }
            pairs += l * (fraudAbove + f / 2)
            fraudAbove += f
            legitimateAbove += l
            precisionSum += f * fraudAbove / (fraudAbove + legitimateAbove)
        }
        return RankingQuality(
            rocAUC: pairs / (Double(positives) * Double(negatives)),
            averagePrecision: precisionSum / Double(positives), frauds: positives, legitimate: negatives)
    }

    /// The lowest score at which the outcomes at or above it reach `precision` fraud, or nil.
    public func lowestScore(reachingPrecision precision: Double) -> Float? {
        var fraudAbove = 0.0
        var total = 0.0
        var lowest: Int?
        let fraud = fraud.span
        let legitimate = legitimate.span
        for index in stride(from: Self.binCount - 1, through: 0, by: -1) where fraud[index] > 0 || legitimate[index] > 0 {
            fraudAbove += Double(fraud[index])
            total += Double(fraud[index]) + Double(legitimate[index])
            if fraudAbove / total >= precision { lowest = index }
        }
        guard let lowest else { return nil }
        // The bin's lower edge, a hair lower so every score in the bin is at or above it.
        return Float(LogOdds.probability(Double(lowest) * Self.binWidth - Self.logitBound - 1e-4))
    }
}

/// How well a model ranked outcomes: ROC AUC, average precision, and how many of each class.
public struct RankingQuality: Sendable, Equatable {
    /// Probability a random fraud scores above a random legitimate transaction.
    public var rocAUC: Double
    /// Mean precision at each fraud's rank.
    public var averagePrecision: Double
    /// Fraud outcomes counted.
    public var frauds: Int
    /// Legitimate outcomes counted.
    public var legitimate: Int

    /// Whether both classes were counted: a ranking needs a fraud and a legitimate outcome.
    /// Without them `rocAUC` and `averagePrecision` are 0, which must not be read as a model
    /// that ranks every fraud last.
    public var isDefined: Bool { frauds > 0 && legitimate > 0 }
}
