import CProtobufC
import CStreamifyProto

/// Which factors' reasons a breakdown carries (`streamify.v1.Explain`, a request's `explain`).
///
/// Every breakdown has all five factors with their score, weight and contribution whatever the
/// level; it only decides which reasons are rendered. Reasons are the costliest part of an
/// answer, so a client that acts on the score and level alone asks for `.none`.
public enum Explain: Int32, Sendable, Hashable, CaseIterable {
    /// Every factor's reason: the default, and what a request without the field gets.
    case all = 0
    /// Only the reason of the factor with the largest contribution (the first in factor order
    /// among equals).
    case topFactor = 1
    /// No reasons: every factor's reason is empty.
    case none = 2

    /// The level a request's `explain` field names; nil for a value this build does not know,
    /// which the server refuses INVALID_ARGUMENT. An enum is an int32 on the wire: of a longer
    /// varint only the low 32 bits count, as protobuf-c and every protobuf parser read it.
    public init?(wireValue: UInt64) {
        guard let level = Explain(rawValue: Int32(truncatingIfNeeded: wireValue)) else { return nil }
        self = level
    }

    /// The values a request may name, as the proto spells them ("EXPLAIN_ALL, … or
    /// EXPLAIN_NONE"), read from the generated enum descriptor: for errors and help.
    public static let wireNames: String = withUnsafePointer(to: streamify__v1__explain__descriptor) { descriptor in
        let names = (0..<Int(descriptor.pointee.n_values)).map { String(cString: descriptor.pointee.values[$0].name) }
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }
}
