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

    /// One threshold on a descending ranking: everything scored at or above `score`.
    struct Cut {
        var score: Float
        /// Fraud among those scored at or above `score`, and all of them.
        var truePositives: Int
        var alerts: Int

        var precision: Double { Double(truePositives) / Double(alerts) }
    }

    /// The cuts at the end of each group of equal scores, highest score first.
    static func descendingCuts(scores: [Float], fraud: [Bool]) -> [Cut] {
        precondition(scores.count == fraud.count)
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var cuts: [Cut] = []
        var truePositives = 0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            for position in start..<end where fraud[order[position]] { truePositives += 1 }
            cuts.append(Cut(score: scores[order[start]], truePositives: truePositives, alerts: end))
            start = end
        }
        return cuts
    }

    /// Average precision: the mean, over the fraud transactions, of the precision among
    /// everything scored at or above each one (a group of tied scores enters at once, as in
    /// scikit-learn's `average_precision_score`). Nil without any fraud.
    static func averagePrecision(scores: [Float], fraud: [Bool]) -> Double? {
        let cuts = descendingCuts(scores: scores, fraud: fraud)
        guard let positives = cuts.last?.truePositives, positives > 0 else { return nil }
        var sum = 0.0
        var previous = 0
        for cut in cuts {
            sum += Double(cut.truePositives - previous) * cut.precision
            previous = cut.truePositives
        }
        return sum / Double(positives)
    }
}
