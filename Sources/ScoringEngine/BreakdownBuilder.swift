import CStreamifyProto
import ScoringModel
import StreamifyWire

/// Turns an assessment into the wire breakdown, built as protobuf-c structs in an arena: the
/// form the Kafka door and the tools use, and the reference the socket door's hand-written
/// encoder (`BreakdownFrameWriter`, which shares `explained` and `render` with it) is tested
/// against byte for byte.
///
/// Reasons and the model version are written straight into arena memory, so a breakdown costs no
/// heap allocation, and every breakdown in an arena keeps its own version even when the model
/// changes between two of them (a learned version is published in the middle of a batch). Where a door needs the Swift
/// `RiskBreakdown` (JSON output), it reads it back from this form with `RiskBreakdown(protobufC:)`.
///
/// One per connection or worker thread; not thread-safe. Everything it returns lives in the
/// arena it was given, until that arena is reset.
public final class BreakdownBuilder {
    /// Longest reason rendered, terminator included; the `ReasonWriter` truncates at it.
    public static let reasonCapacity = 256

    /// A builder.
    public init() {}

    /// The breakdown of `assessment` for the transaction `transactionID` (borrowed, not copied),
    /// with the reasons `explain` asks for (the others empty); `server_time_us` is left for the
    /// caller to set.
    public func make(
        _ assessment: RiskAssessment,
        transactionID: ProtobufCBinaryData,
        modelVersion version: String,
        explain: Explain = .all,
        in arena: MessageArena
    ) -> UnsafeMutablePointer<Streamify__V1__RiskBreakdown> {
        let breakdown = arena.make(Streamify__V1__RiskBreakdown.self)
        streamify__v1__risk_breakdown__init(breakdown)
        breakdown.pointee.transaction_id = transactionID
        breakdown.pointee.risk_score = assessment.score
        breakdown.pointee.level = Streamify__V1__AlertLevel(rawValue: .init(truncatingIfNeeded: assessment.level.rawValue))
        let factorCount = RiskFactor.allCases.count
        let pointers = arena.makePointerArray(of: Streamify__V1__FactorScore.self, count: factorCount)
        let factors = arena.make(Streamify__V1__FactorScore.self, count: factorCount)
        // A span taken once: indexing the inline array in the loop would copy it at every read.
        let outcomes = assessment.factors.span
        let explained = Self.explained(outcomes, explain)
        for factor in RiskFactor.allCases {
            let outcome = outcomes[factor.rawValue]
            let score = factors + factor.rawValue
            streamify__v1__factor_score__init(score)
            score.pointee.factor = Streamify__V1__Factor(rawValue: .init(truncatingIfNeeded: factor.wireNumber))
            score.pointee.score = outcome.score
            score.pointee.weight = outcome.weight
            score.pointee.contribution = outcome.contribution
            if explained.contains(factor.rawValue) { score.pointee.reason = render(outcome, in: arena) }
            pointers[factor.rawValue] = score
        }
        breakdown.pointee.n_factors = factorCount
        breakdown.pointee.factors = pointers
        breakdown.pointee.model_version = arena.copy(version)
        return breakdown
    }

    /// The factors (by `RiskFactor.rawValue`) whose reasons `explain` asks for.
    public static func explained(_ outcomes: Span<FactorOutcome>, _ explain: Explain) -> Range<Int> {
        switch explain {
        case .all:
            return 0..<outcomes.count
        case .none:
            return 0..<0
        case .topFactor:
            var top = 0
            for index in 1..<outcomes.count where outcomes[index].contribution > outcomes[top].contribution {
                top = index
            }
            return top..<(top + 1)
        }
    }

    /// Writes a factor's reason into the arena as a C string.
    private func render(_ outcome: FactorOutcome, in arena: MessageArena) -> UnsafeMutablePointer<CChar> {
        let memory = arena.allocate(byteCount: Self.reasonCapacity)
        let count = Self.render(outcome, into: memory)
        memory.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        arena.shrinkLastAllocation(at: memory, to: count + 1)
        return memory.assumingMemoryBound(to: CChar.self)
    }

    /// Writes a factor's reason, truncated as every breakdown truncates it, to `memory` (room
    /// for `reasonCapacity` bytes: the reason and its terminator); the reason's length.
    @inline(__always)
    public static func render(_ outcome: FactorOutcome, into memory: UnsafeMutableRawPointer) -> Int {
        var writer = ReasonWriter(UnsafeMutableRawBufferPointer(start: memory, count: reasonCapacity - 1))
        outcome.render(into: &writer)
        return writer.count
    }
}
