import ScoringEngine
import ScoringModel

/// One card's whole state as of an input offset: the value of a changelog record, keyed by the
/// card id, in the changelog partition numbered like the input partition the card lives on.
///
/// The instance that scores a card writes one after each of its transactions; the instance a
/// partition moves to reads the partition back before it consumes, and takes in the newest
/// state of every card (compaction keeps only that one per key). It also carries the decision
/// made at that offset, so outputs not yet delivered when the partition moved can be sent again.
///
/// Layout: a fixed `Header`, the `CardState`'s bytes, then, when the header's flag says so, the
/// `RiskAssessment`'s bytes and the model version's UTF-8. The header names the format version
/// and `EngineStateFormat.layout`: a build whose state layout differs refuses the record
/// instead of misreading it.
struct CardChangelogRecord {
    /// Bumped whenever what follows the header changes.
    static let version: UInt32 = 1

    /// The card's state, including every transaction of it up to `offset`.
    var card: CardState
    /// The input offset the state is as of.
    var offset: Int64
    /// The decision on the transaction at `offset`, when the record was written for it.
    var decision: (assessment: RiskAssessment, modelVersion: String)?

    /// What precedes the card's bytes; its layout is pinned to `version` (CardChangelogRecordTests).
    struct Header: BitwiseCopyable {
        var version: UInt32
        var hasDecision: UInt32
        var layout: UInt64
        var offset: Int64
    }

    /// The record's bytes, appended to `bytes` (emptied first).
    func encode(into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        let header = Header(
            version: Self.version, hasDecision: decision == nil ? 0 : 1, layout: EngineStateFormat.layout, offset: offset)
        withUnsafeBytes(of: header) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: card) { bytes.append(contentsOf: $0) }
        if let decision {
            withUnsafeBytes(of: decision.assessment) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: decision.modelVersion.utf8)
        }
    }

    /// Why a changelog value could not be read.
    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    /// The record in `bytes`, or why it is not one this build reads.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> CardChangelogRecord {
        let headerSize = MemoryLayout<Header>.size
        let cardSize = MemoryLayout<CardState>.size
        guard bytes.count >= headerSize + cardSize else { throw FormatError(description: "a value of \(bytes.count) bytes") }
        let header = bytes.loadUnaligned(as: Header.self)
        guard header.version == version, header.layout == EngineStateFormat.layout else {
            throw FormatError(
                description: "format \(header.version) (layout \(String(header.layout, radix: 16))); this build reads "
                    + "\(version) (layout \(String(EngineStateFormat.layout, radix: 16)))")
        }
        let card = bytes.loadUnaligned(fromByteOffset: headerSize, as: CardState.self)
        guard header.hasDecision != 0 else {
            guard bytes.count == headerSize + cardSize else { throw FormatError(description: "trailing bytes after the card") }
            return CardChangelogRecord(card: card, offset: header.offset, decision: nil)
        }
        let assessmentStart = headerSize + cardSize
        let versionStart = assessmentStart + MemoryLayout<RiskAssessment>.size
        guard bytes.count >= versionStart else { throw FormatError(description: "a decision cut short") }
        // Bounded as every model's is: the adopted card is journalled with it, in one record.
        guard bytes.count - versionStart <= RiskModel.maximumVersionBytes else {
            throw FormatError(
                description: "a model version of \(bytes.count - versionStart) bytes (at most \(RiskModel.maximumVersionBytes))")
        }
        let assessment = bytes.loadUnaligned(fromByteOffset: assessmentStart, as: RiskAssessment.self)
        guard let version = String(validating: bytes[versionStart...], as: UTF8.self) else {
            throw FormatError(description: "a model version that is not UTF-8")
        }
        return CardChangelogRecord(card: card, offset: header.offset, decision: (assessment, version))
    }
}
