#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Probabilities as log-odds and back: the one conversion the hand-set verdict feature, the
/// scoreboard's bins and a shadow model's score share.
enum LogOdds {
    /// `ln(p / (1 - p))`, clamped to ±`bound` (a probability of 0 or 1 has no finite log-odds).
    @inline(__always)
    static func of(_ probability: Double, within bound: Double) -> Double {
        let p = min(max(probability, 1 / (1 + exp(bound))), 1 / (1 + exp(-bound)))
        return log(p / (1 - p))
    }

    /// The probability with these log-odds: `1 / (1 + e^-logit)`.
    @inline(__always)
    static func probability(_ logit: Double) -> Double {
        1 / (1 + exp(-logit))
    }
}
