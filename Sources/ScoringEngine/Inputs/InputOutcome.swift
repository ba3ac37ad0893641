import ScoringModel
import StreamifyWire

/// What a door answered for one input message: kept by `InputLedger` until every output of the
/// message is known to be delivered, so a restart can send those outputs again without applying
/// the message to the state a second time.
public enum InputOutcome: Sendable {
    /// Scored: the decision as it was made, and the version of the model that made it.
    case scored(RiskAssessment, modelVersion: String)
    /// Refused (dead-lettered) with this error.
    case refused(WireError)
}

extension InputOutcome {
    private enum Kind: UInt8 {
        case scored = 1
        case refused = 2
    }

    func write(to writer: inout StateWriter) {
        switch self {
        case .scored(let assessment, let version):
            writer.write(Kind.scored.rawValue)
            writer.write(assessment)
            writer.write(version)
        case .refused(let error):
            writer.write(Kind.refused.rawValue)
            writer.write(error.code.rawValue)
            writer.write(error.message)
            writer.write(error.field)
        }
    }

    static func read(from reader: inout StateReader) throws(StateFormatError) -> InputOutcome {
        switch Kind(rawValue: try reader.read(UInt8.self)) {
        case .scored:
            let assessment = try reader.read(RiskAssessment.self)
            return .scored(assessment, modelVersion: try reader.readString())
        case .refused:
            let raw = try reader.read(Int32.self)
            guard let code = ErrorCode(rawValue: raw) else { throw StateFormatError("an input outcome with error code \(raw)") }
            let message = try reader.readString()
            return .refused(WireError(code: code, message: message, field: try reader.readString()))
        case nil:
            throw StateFormatError("an input outcome of an unknown kind")
        }
    }
}
