/// Final outcomes kept for the challenger's periodic refits: the feature vector each transaction
/// was scored with and what it turned out to be.
///
/// Bounded: every fraud (up to `fraudCapacity`) and one legitimate outcome in
/// `legitimateSampling`, chosen by the transaction's fingerprint (so a replay keeps the same
/// ones) and weighted back up in the fit, up to `legitimateCapacity`; the oldest go first, and
/// nothing older than `windowDays` of event time is handed out. An outcome is added only once
/// final (a fraud label applied, or maturity without one), so no refit learns anything before
/// it could have been known.
public final class OutcomeReservoir: @unchecked Sendable {
    /// One kept outcome.
    struct Sample {
        var features: FeatureVector
        var seconds: UInt32
    }

    /// Frauds kept at most.
    public let fraudCapacity: Int
    /// Legitimate outcomes kept at most (after sampling).
    public let legitimateCapacity: Int
    /// One legitimate outcome in this many is kept.
    public let legitimateSampling: UInt64
    /// Days of event time a refit looks back.
    public let windowDays: Int
    private let mutex = PaddedMutex()
    private var frauds: [Sample] = []
    private var fraudNext = 0
    private var legitimate: [Sample] = []
    private var legitimateNext = 0

    /// An empty reservoir.
    public init(fraudCapacity: Int, legitimateCapacity: Int, legitimateSampling: Int, windowDays: Int) {
        self.fraudCapacity = max(fraudCapacity, 0)
        self.legitimateCapacity = max(legitimateCapacity, 0)
        self.legitimateSampling = UInt64(max(legitimateSampling, 1))
        self.windowDays = max(windowDays, 1)
    }

    /// Keeps a final outcome (legitimate ones only if sampled by `key`, the transaction's fingerprint).
    func add(_ features: FeatureVector, fraud: Bool, key: UInt64, at seconds: UInt32) {
        guard features.isFinite else { return }
        if !fraud {
            // The fingerprint's high bits: the low ones already chose the table stripe.
            guard (key >> 32) % legitimateSampling == 0 else { return }
        }
        let sample = Sample(features: features, seconds: seconds)
        mutex.withLock {
            if fraud {
                Self.push(sample, into: &frauds, next: &fraudNext, capacity: fraudCapacity)
            } else {
                Self.push(sample, into: &legitimate, next: &legitimateNext, capacity: legitimateCapacity)
            }
        }
    }

    private static func push(_ sample: Sample, into ring: inout [Sample], next: inout Int, capacity: Int) {
        guard capacity > 0 else { return }
        if ring.count < capacity {
            ring.append(sample)
        } else {
            ring[next] = sample
            next = (next + 1) % capacity
        }
    }

    /// Frauds kept now (within or beyond the window).
    public var fraudCount: Int { mutex.withLock { frauds.count } }

    /// Legitimate outcomes kept now (after sampling; within or beyond the window).
    public var legitimateCount: Int { mutex.withLock { legitimate.count } }

    /// The outcomes of the last `windowDays` before `seconds`, weighted for a fit.
    func samples(at seconds: UInt32) -> [(features: FeatureVector, fraud: Bool, weight: Double)] {
        let window = UInt32(windowDays) * EventTime.daySeconds
        let oldest = seconds > window ? seconds - window : 0
        let weight = Double(legitimateSampling)
        return mutex.withLock {
            frauds.filter { $0.seconds >= oldest }.map { ($0.features, true, 1.0) }
                + legitimate.filter { $0.seconds >= oldest }.map { ($0.features, false, weight) }
        }
    }

    /// Writes both rings and where each writes next.
    func write(to writer: inout StateWriter) {
        mutex.withLock {
            writer.write(frauds)
            writer.write(Int64(fraudNext))
            writer.write(legitimate)
            writer.write(Int64(legitimateNext))
        }
    }

    /// Takes over what `write(to:)` wrote, keeping at most this reservoir's capacities.
    func restore(from reader: inout StateReader) throws(StateFormatError) {
        let frauds = try reader.readArray(Sample.self)
        let fraudNext = try reader.read(Int64.self)
        let legitimate = try reader.readArray(Sample.self)
        let legitimateNext = try reader.read(Int64.self)
        mutex.withLock {
            (self.frauds, self.fraudNext) = Self.ring(frauds, next: fraudNext, capacity: fraudCapacity)
            (self.legitimate, self.legitimateNext) = Self.ring(legitimate, next: legitimateNext, capacity: legitimateCapacity)
        }
    }

    /// A written ring as this reservoir keeps it: as written if it fits, else its newest samples.
    private static func ring(_ samples: [Sample], next: Int64, capacity: Int) -> ([Sample], Int) {
        if samples.count < capacity || (samples.count == capacity && next >= 0 && next < samples.count) {
            return (samples, samples.count < capacity ? 0 : Int(next))
        }
        var ring: [Sample] = []
        var position = 0
        let oldestFirst = samples.count > 0 && next >= 0 && next < samples.count
            ? Array(samples[Int(next)...] + samples[..<Int(next)]) : samples
        for sample in oldestFirst { push(sample, into: &ring, next: &position, capacity: capacity) }
        return (ring, position)
    }
}
