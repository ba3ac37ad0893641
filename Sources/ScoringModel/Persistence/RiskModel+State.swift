extension StateWriter {
    /// Writes a flag: one byte, 0 or 1.
    public mutating func writeFlag(_ flag: Bool) {
        write(UInt8(flag ? 1 : 0))
    }

    /// Writes the three level thresholds.
    public mutating func write(_ thresholds: RiskModel.Thresholds) {
        write(thresholds.medium)
        write(thresholds.high)
        write(thresholds.critical)
    }

    /// Writes a model, or its absence: version, weights by factor, thresholds and the logistic
    /// combiner's numbers as they are in memory, so it reads back bit for bit (a JSON round trip
    /// of a `Float` need not).
    public mutating func write(_ model: RiskModel?) {
        writeFlag(model != nil)
        guard let model else { return }
        write(model.version)
        write(UInt32(RiskFactor.allCases.count))
        for factor in RiskFactor.allCases { write(model.weights[factor]) }
        write(model.thresholds)
        writeFlag(model.logistic != nil)
        if let logistic = model.logistic { write(logistic) }
    }
}

extension StateReader {
    /// Reads a flag written by `StateWriter.writeFlag(_:)`.
    public mutating func readFlag() throws(StateFormatError) -> Bool {
        switch try read(UInt8.self) {
        case 0: false
        case 1: true
        case let other: throw StateFormatError("a flag of \(other)")
        }
    }

    /// Reads thresholds written by `StateWriter.write(_:)`.
    public mutating func readThresholds() throws(StateFormatError) -> RiskModel.Thresholds {
        RiskModel.Thresholds(medium: try read(), high: try read(), critical: try read())
    }

    /// Reads a model written by `StateWriter.write(_:)`, validated as a model file would be.
    public mutating func readModel() throws(StateFormatError) -> RiskModel? {
        guard try readFlag() else { return nil }
        let version = try readString()
        let factorCount = Int(try read(UInt32.self))
        guard factorCount == RiskFactor.allCases.count else {
            throw StateFormatError("a model with \(factorCount) factors; this build has \(RiskFactor.allCases.count)")
        }
        var weights = RiskModel.Weights { _ in 0 }
        for factor in RiskFactor.allCases { weights[factor] = try read(Float.self) }
        var model = RiskModel(version: version, weights: weights, thresholds: try readThresholds())
        if try readFlag() { model.combiner = .logistic(try read(LogisticCombiner.self)) }
        do {
            return try model.validated()
        } catch {
            throw StateFormatError("model \(version): \(error)")
        }
    }
}
