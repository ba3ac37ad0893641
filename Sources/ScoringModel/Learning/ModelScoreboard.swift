/// The champion's and the challenger's prequential quality: each outcome, once final, is
/// scored as both models scored its transaction *before* the outcome was known, and counted
/// per event-time day; quality is over the last `windowDays` days.
///
/// Final means a fraud label applied, or a transaction matured without one (legitimate). Both
/// models are judged on exactly the same outcomes, so a bias in which outcomes are final yet
/// (frauds arrive before maturity) is shared and the comparison stays fair.
///
/// Thread-safe; one lock, taken once per outcome (labels are rare next to scores).
public final class ModelScoreboard: @unchecked Sendable {
    /// Days of event time the quality covers.
    public let windowDays: Int
    private let mutex = PaddedMutex()
    /// Per day in a ring of `windowDays` slots: champion then challenger.
    private var champion: [ScoreHistogram]
    private var challenger: [ScoreHistogram]
    private var days: [UInt32]

    /// An empty scoreboard over `windowDays` (at least 1) days.
    public init(windowDays: Int = 7) {
        self.windowDays = max(windowDays, 1)
        champion = Array(repeating: ScoreHistogram(), count: self.windowDays)
        challenger = champion
        days = Array(repeating: UInt32.max, count: self.windowDays)
    }

    /// Counts an outcome that became final at event time `seconds`, with both models' scores.
    public func record(champion championScore: Float, challenger challengerScore: Float, fraud: Bool, at seconds: UInt32) {
        guard championScore.isFinite, challengerScore.isFinite else { return }
        let day = seconds / EventTime.daySeconds
        let slot = Int(day % UInt32(windowDays))
        mutex.withLock {
            if days[slot] != day {
                // A newer day reuses the slot; a straggler from a day out of the window is dropped.
                guard days[slot] == UInt32.max || day > days[slot] else { return }
                days[slot] = day
                champion[slot] = ScoreHistogram()
                challenger[slot] = ScoreHistogram()
            }
            champion[slot].add(score: championScore, fraud: fraud)
            challenger[slot].add(score: challengerScore, fraud: fraud)
        }
    }

    /// Forgets every outcome counted.
    public func reset() {
        mutex.withLock {
            for slot in 0..<windowDays {
                days[slot] = UInt32.max
                champion[slot] = ScoreHistogram()
                challenger[slot] = ScoreHistogram()
            }
        }
    }

    /// Both models' histograms over the window ending on the day of `seconds`.
    public func histograms(at seconds: UInt32) -> (champion: ScoreHistogram, challenger: ScoreHistogram) {
        let today = seconds / EventTime.daySeconds
        return mutex.withLock {
            var championTotal = ScoreHistogram()
            var challengerTotal = ScoreHistogram()
            for slot in 0..<windowDays where days[slot] != UInt32.max && days[slot] <= today
                && today - days[slot] < UInt32(windowDays)
            {
                championTotal.merge(champion[slot])
                challengerTotal.merge(challenger[slot])
            }
            return (championTotal, challengerTotal)
        }
    }

    /// Both models' quality over the window ending on the day of `seconds`.
    public func quality(at seconds: UInt32) -> (champion: RankingQuality, challenger: RankingQuality) {
        let (champion, challenger) = histograms(at: seconds)
        return (champion.quality, challenger.quality)
    }

    /// Writes each day's histograms.
    func write(to writer: inout StateWriter) {
        mutex.withLock {
            writer.write(days)
            writer.write(champion)
            writer.write(challenger)
        }
    }

    /// Takes over what `write(to:)` wrote; a different window starts over empty.
    func restore(from reader: inout StateReader) throws(StateFormatError) {
        let days = try reader.readArray(UInt32.self)
        let champion = try reader.readArray(ScoreHistogram.self)
        let challenger = try reader.readArray(ScoreHistogram.self)
        guard days.count == champion.count, days.count == challenger.count else {
            throw StateFormatError("a scoreboard of \(days.count) days with \(champion.count) and \(challenger.count) histograms")
        }
        guard days.count == windowDays else { return }
        mutex.withLock {
            self.days = days
            self.champion = champion
            self.challenger = challenger
        }
    }
}
