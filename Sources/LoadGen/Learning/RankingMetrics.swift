/// Threshold-free measures of how well scores rank fraud above legitimate transactions.
enum RankingMetrics {
    /// ROC AUC: the chance that a random fraud scores above a random legitimate transaction
    /// (ties count half). Nil without both classes.
    static func rocAUC(scores: [Float], fraud: [Bool]) -> Double? {
        precondition(scores.count == fraud.count)
        let positives = fraud.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = fraud.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        // Mann-Whitney: sum of the positives' ranks (tied scores share their mean rank).
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            let meanRank = Double(start + 1 + end) / 2
            for position in start..<end where fraud[order[position]] { rankSum += meanRank }
            start = end
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// Average precision: the mean, over the fraud transactions, of the precision among
    /// everything scored at or above each one (a group of tied scores enters at once, as in
    /// scikit-learn's `average_precision_score`). Nil without any fraud.
    static func averagePrecision(scores: [Float], fraud: [Bool]) -> Double? {
        precondition(scores.count == fraud.count)
        let positives = fraud.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0
        var seen = 0
        var sum = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            var groupPositives = 0
            for position in start..<end where fraud[order[position]] { groupPositives += 1 }
            truePositives += groupPositives
            seen = end
            sum += Double(groupPositives) * Double(truePositives) / Double(seen)
            start = end
        }
        return sum / Double(positives)
    }
}
