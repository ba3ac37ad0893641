import CStreamifyProto
import ScoringEngine
import ScoringModel
import StreamifyWire
import Testing

@Suite("Breakdown builder")
struct BreakdownBuilderTests {
    @Test("every breakdown in an arena keeps its model version when the model changes between two of them")
    func versionPerBreakdown() {
        let builder = BreakdownBuilder()
        let arena = MessageArena(capacity: 16_384)
        let assessment = RiskModel.builtIn.combine(FactorSlots(repeating: FactorOutcome(score: 0.2, primary: .none)))
        let id = arena.copyBinary("tx-1")
        // Same length: freed memory of one would be reused for the next.
        let versions = ["learned+online.1", "learned+online.2", "learned+online.3"]
        let breakdowns = versions.map { builder.make(assessment, transactionID: id, modelVersion: $0, in: arena) }
        for (breakdown, version) in zip(breakdowns, versions) {
            #expect(String(cString: breakdown.pointee.model_version) == version)
        }
    }
}
