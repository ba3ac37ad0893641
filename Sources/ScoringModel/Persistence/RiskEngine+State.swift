/// The engine state this build writes and reads: `RiskEngine.writeState(to:)` starts with both.
public enum EngineStateFormat {
    /// Bumped whenever what is written changes, besides the record layouts `layout` covers.
    public static let version: UInt32 = 1

    /// A fingerprint of the size and alignment of every record stored as its bytes, in
    /// snapshots and in journal records: a build whose records differ writes a different
    /// layout, and refuses state of another one.
    public static var layout: UInt64 {
        let shapes = [
            MemoryLayout<CardState>.stride, MemoryLayout<CardState>.alignment,
            MemoryLayout<DeviceState>.stride, MemoryLayout<DeviceState>.alignment,
            MemoryLayout<MerchantState>.stride, MemoryLayout<MerchantState>.alignment,
            MemoryLayout<OutcomeEntry>.stride, MemoryLayout<OutcomeEntry>.alignment,
            MemoryLayout<LabelLedgerEntry>.stride, MemoryLayout<LabelLedgerEntry>.alignment,
            MemoryLayout<FeedbackFeatures>.stride, MemoryLayout<FeedbackFeatures>.alignment,
            MemoryLayout<TransactionFeatures>.stride, MemoryLayout<TransactionFeatures>.alignment,
            MemoryLayout<FeatureVector>.stride, FeatureVector.count,
            MemoryLayout<LogisticCombiner>.stride, MemoryLayout<ScoreHistogram>.stride,
            MemoryLayout<OutcomeReservoir.Sample>.stride, RiskFactor.allCases.count,
        ]
        return shapes.reduce(Fingerprint.finalize(UInt64(version))) { hash, size in Fingerprint.finalize(hash ^ UInt64(size)) }
    }
}

/// What restoring found besides the state itself.
public struct StateRestoreReport: Sendable, Equatable {
    /// Table entries that did not fit tables smaller than the writer's.
    public var droppedEntries = 0
    /// Held labels that did not fit a smaller `maximumPendingLabels`.
    public var droppedLabels = 0
    /// The champion written with the state, when it was not the one this engine was given: the
    /// learned challenger, its scoreboard and refits then start over from the new champion.
    public var replacedChampion: String?

    /// A report of nothing dropped or replaced.
    public init() {}
}

extension RiskEngine {
    /// Writes the whole engine state: tables, outcome log, held labels, event clock, the
    /// learner and both models with their scoreboard and refit.
    ///
    /// Each table is copied a stripe at a time under its lock, so concurrent scoring is never
    /// blocked for long, but the copy is consistent only while nothing scores or labels: write
    /// it once the doors have drained, or from a point every writer has stopped at.
    public func writeState(to writer: inout StateWriter) {
        writer.write(EngineStateFormat.version)
        writer.write(EngineStateFormat.layout)
        writer.write(clock.now)
        housekeeping.write(to: &writer)
        writer.writeSection { writer in cards.write(to: &writer) }
        writer.writeSection { writer in devices.write(to: &writer) }
        writer.writeSection { writer in merchants.write(to: &writer) }
        writer.writeSection { writer in
            writer.writeFlag(outcomes != nil)
            outcomes?.table.write(to: &writer)
        }
        writer.writeSection { writer in
            writer.writeFlag(labelled != nil)
            labelled?.write(to: &writer)
        }
        writer.writeSection { writer in pendingLabels.write(to: &writer) }
        writer.writeSection { writer in reservoir.write(to: &writer) }
        let (models, thresholds, switchCount): (ServingModels, RiskModel.Thresholds?, Int) = modelLock.withLock {
            (self.serving, self.challengerThresholds, self.switches)
        }
        writer.writeSection { writer in
            writer.write(models.champion)
            writer.write(models.challenger)
            writer.writeFlag(models.challengerServes)
            writer.write(models.generation)
            writer.writeFlag(thresholds != nil)
            if let thresholds { writer.write(thresholds) }
            writer.write(Int64(switchCount))
            learner.write(to: &writer)
            scoreboard.write(to: &writer)
            refit.write(to: &writer)
        }
    }

    /// Loads what `writeState(to:)` wrote into this engine, which must be new (nothing scored).
    ///
    /// Tables smaller than the writer's keep what fits. State from another format or layout is
    /// refused with `StateFormatError`, as is state cut short or out of range; the engine is then
    /// in an unspecified state and should be dropped.
    ///
    /// With `adoptingChampion`, the champion written with the state is taken over whatever this
    /// engine was made with (a snapshot made from the journal, where the state decides); without,
    /// a different one is the operator's new model, and the learning starts over from it.
    @discardableResult
    public func restoreState(
        from reader: inout StateReader, adoptingChampion: Bool = false
    ) throws(StateFormatError) -> StateRestoreReport {
        let version = try reader.read(UInt32.self)
        let layout = try reader.read(UInt64.self)
        guard version == EngineStateFormat.version, layout == EngineStateFormat.layout else {
            throw StateFormatError(
                "state written in format \(version) (layout \(String(layout, radix: 16))); this build reads format "
                    + "\(EngineStateFormat.version) (layout \(String(EngineStateFormat.layout, radix: 16)))",
                isOtherFormat: true)
        }
        var report = StateRestoreReport()
        clock.advance(to: try reader.read(UInt32.self))
        try housekeeping.restore(from: &reader)
        var section = try reader.readSection()
        report.droppedEntries += try cards.restore(from: &section)
        section = try reader.readSection()
        report.droppedEntries += try devices.restore(from: &section)
        section = try reader.readSection()
        report.droppedEntries += try merchants.restore(from: &section)
        // An outcome log or label ledger the engine is not configured with is left unread.
        section = try reader.readSection()
        if try section.readFlag(), let outcomes { report.droppedEntries += try outcomes.table.restore(from: &section) }
        section = try reader.readSection()
        if try section.readFlag(), let labelled { report.droppedEntries += try labelled.restore(from: &section) }
        section = try reader.readSection()
        report.droppedLabels = try pendingLabels.restore(from: &section)
        section = try reader.readSection()
        try reservoir.restore(from: &section)

        section = try reader.readSection()
        guard let champion = try section.readModel(), let challenger = try section.readModel() else {
            throw StateFormatError("state without a champion and a challenger")
        }
        let serves = try section.readFlag()
        let generation = try section.read(UInt16.self)
        let configured = models.champion
        guard adoptingChampion || champion == configured else {
            // As an install would: the new champion's generation, so outcomes the old models
            // scored judge neither new one.
            modelLock.withLock {
                serving = ServingModels(
                    champion: serving.champion, challenger: serving.challenger, challengerServes: false,
                    generation: generation &+ 1)
            }
            report.replacedChampion = champion.version
            return report
        }
        let thresholds = try section.readFlag() ? try section.readThresholds() : nil
        let switches = try section.read(Int64.self)
        try learner.restore(from: &section)
        try scoreboard.restore(from: &section)
        try refit.restore(from: &section)
        modelLock.withLock {
            serving = ServingModels(champion: champion, challenger: challenger, challengerServes: serves, generation: generation)
            challengerThresholds = thresholds
            self.switches = Int(switches)
        }
        return report
    }
}
