/// One count per case of a small integer-backed enum (error codes, alert levels, label dispositions).
///
/// Counts live inline (no heap, no copy-on-write check on the hot path), in `capacity` slots
/// indexed by `rawValue - base`. The slots a type needs are derived from its `allCases` when a
/// value is made, and checked against the capacity there: an enum that outgrows it stops the
/// process at start-up (and fails `CaseCountsTests`), never in the middle of a request.
public struct CaseCounts<Case: CaseIterable & RawRepresentable>: Sendable where Case.RawValue: BinaryInteger {
    /// Slots available; more than any enum counted here needs.
    public static var capacity: Int { Storage.count }
    @usableFromInline typealias Storage = InlineArray<16, Int>

    @usableFromInline var counts = Storage(repeating: 0)
    /// The smallest raw value; a case's count is at `rawValue - base`.
    @usableFromInline let base: Int

    /// All counts zero; stops the process if `Case` needs more slots than `capacity`.
    public init() {
        let raw = Case.allCases.map { Int($0.rawValue) }
        base = raw.min() ?? 0
        let needed = (raw.max() ?? base - 1) - base + 1
        precondition(needed <= Self.capacity, "\(Case.self) needs \(needed) count slots; CaseCounts has \(Self.capacity)")
    }

    /// The count of `key`.
    @inlinable
    public subscript(_ key: Case) -> Int {
        get { counts[Int(key.rawValue) - base] }
        set { counts[Int(key.rawValue) - base] = newValue }
    }

    /// Sets every count to zero.
    public mutating func reset() {
        counts = Storage(repeating: 0)
    }

    /// The sum over all cases.
    public var total: Int {
        var sum = 0
        for index in counts.indices { sum += counts[index] }
        return sum
    }
}
