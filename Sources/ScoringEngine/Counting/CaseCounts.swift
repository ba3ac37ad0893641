/// One count per case of a small integer-backed enum (error codes, alert levels, label dispositions).
///
/// The storage is sized from `Case.allCases` when the value is made, so adding a case to the
/// enum needs no change here, and no index can be out of range. `reset()` zeroes the counts
/// in place, so a value that is reused (a connection's counters, once per read burst) never
/// allocates after it was made.
public struct CaseCounts<Case: CaseIterable & RawRepresentable>: Sendable where Case.RawValue: BinaryInteger {
    private var counts: [Int]
    /// The smallest raw value; a case's count is at `rawValue - base`.
    private let base: Int

    public init() {
        let raw = Case.allCases.map { Int($0.rawValue) }
        base = raw.min() ?? 0
        counts = Array(repeating: 0, count: (raw.max() ?? base - 1) - base + 1)
    }

    /// The count of `key`.
    public subscript(_ key: Case) -> Int {
        get { counts[Int(key.rawValue) - base] }
        set { counts[Int(key.rawValue) - base] = newValue }
    }

    /// Sets every count to zero without reallocating.
    public mutating func reset() {
        for index in counts.indices { counts[index] = 0 }
    }

    /// The sum over all cases.
    public var total: Int { counts.reduce(0, +) }
}
