/// A repeatable xorshift64 sequence, for tests that want varied input that is the same every run.
public struct XorShift {
    private var state: UInt64

    /// The sequence starting from `seed` (not 0: zero stays zero).
    public init(seed: UInt64) {
        precondition(seed != 0, "xorshift needs a non-zero seed")
        state = seed
    }

    /// The next value, in `0..<bound`.
    public mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(truncatingIfNeeded: state >> 1) % bound
    }
}
