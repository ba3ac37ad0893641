@testable import ScoringEngine
@testable import ScoringModel
import ScoringTestSupport
import Testing

/// Snapshots, journal records, Kafka changelog values and the decision log hold records as
/// their bytes. A build refuses files of another layout by a fingerprint of sizes and strides
/// (`EngineStateFormat.layout`, `DecisionRecord.layout`), which cannot see a change that keeps
/// every size: two fields of one type swapped, or a field retyped to another of its size. Such a
/// build would read every file written before it wrongly, and silently. So each raw-written
/// record's field layout is pinned here beside the format version and fingerprint it belongs to.
@Suite("Raw-written record layouts are pinned to their format")
struct StateLayoutPinTests {
    /// Records in snapshots, in the state journal and in changelog values. A transaction's and a
    /// label's features, journalled alone too, are pinned as the first field of their `Sourced`.
    static let engineStateRecords: [Any.Type] = [
        CardState.self, DeviceState.self, MerchantState.self, OutcomeEntry.self, LabelLedgerEntry.self,
        FeatureVector.self, LogisticCombiner.self, ScoreHistogram.self,
        OutcomeReservoir.Sample.self, RiskModel.Thresholds.self, RiskAssessment.self, InputPosition.self,
        Durability.Sourced<TransactionFeatures>.self, Durability.Sourced<FeedbackFeatures>.self,
    ]

    /// The fixed-size parts of decision-log records (the rest is written field by field).
    static let decisionLogRecords: [Any.Type] = [
        DecisionRecord.Fixed.self, DecisionRecord.FactorFixed.self, DecisionRecord.SignalArguments.self,
        DecisionRecord.LabelFixed.self,
    ]

    @Test("engine state records: a moved field comes with a new format version")
    func engineState() {
        let found = PinnedLayout(
            version: EngineStateFormat.version, fingerprint: EngineStateFormat.layout,
            lines: Self.engineStateRecords.flatMap { recordLayout(of: $0) })
        Self.expect(found, pinnedAs: StateLayoutPins.engineState, format: "EngineStateFormat.version")
    }

    @Test("decision log records: a moved field comes with a new layout")
    func decisionLog() {
        let found = PinnedLayout(
            version: nil, fingerprint: DecisionRecord.layout, lines: Self.decisionLogRecords.flatMap { recordLayout(of: $0) })
        Self.expect(found, pinnedAs: StateLayoutPins.decisionLog, format: "the seed of DecisionRecord.layout")
    }

    @Test("the pin sees what a fingerprint of sizes cannot")
    func pinSeesSwappedFields() {
        struct Before { var count: UInt32; var amount: Float }
        struct After { var amount: Float; var count: UInt32 }
        #expect(MemoryLayout<Before>.size == MemoryLayout<After>.size)
        #expect(MemoryLayout<Before>.stride == MemoryLayout<After>.stride)
        #expect(recordLayout(of: Before.self, path: "R") == ["R.count @0 4 UInt32", "R.amount @4 4 Float"])
        #expect(recordLayout(of: After.self, path: "R") == ["R.amount @0 4 Float", "R.count @4 4 UInt32"])
        // A reordered enum moves no field but changes what each stored byte means.
        #expect(recordLayout(of: FeedbackFeatures.Outcome.self) == ["Outcome @0 1 Outcome cases: fraud legitimate"])
    }

    /// Passes when `found` is the pin. Otherwise says which of the two to change: the format,
    /// when the layout moved under the same one (files written before would be misread), or
    /// else the pin, printing the layout found.
    static func expect(
        _ found: PinnedLayout, pinnedAs pinned: PinnedLayout, format: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard found != pinned else { return }
        let sameFormat = found.version == pinned.version && found.fingerprint == pinned.fingerprint
        let firstDifference = zip(found.lines, pinned.lines).first { $0 != $1 }.map { "now \($0.0), pinned \($0.1)" }
            ?? "now \(found.lines.count) lines, pinned \(pinned.lines.count)"
        let advice: String
        if sameFormat {
            advice = "a raw-written record's layout changed under the same format: files written before would be misread. "
                + "Change \(format) (and say in docs/durability.md what becomes of older files), then pin the layout."
        } else {
            advice = "the format changed: pin the layout it now has."
        }
        let version = found.version.map(String.init) ?? "none"
        let message: String =
            "\(advice) First difference: \(firstDifference). Found (version \(version), "
            + "fingerprint 0x\(String(found.fingerprint, radix: 16))):\n\(found.lines.joined(separator: "\n"))"
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
