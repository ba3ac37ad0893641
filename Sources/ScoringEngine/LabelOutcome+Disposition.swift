import ScoringModel
import StreamifyWire

extension LabelOutcome {
    /// The wire form of what the engine did with a label.
    public init(_ disposition: LabelDisposition) {
        switch disposition {
        case .applied: self = .applied
        case .duplicate: self = .duplicate
        case .deferred: self = .deferred
        case .refused: self = .refused
        }
    }
}
