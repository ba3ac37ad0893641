import ScoringModel
import Testing

@Suite("Model files")
struct RiskModelFileTests {
    @Test("a model file round-trips and sets weights, thresholds and version")
    func roundTrip() throws {
        let json = """
            {"version": "test-7", "weights": {"amount": 0.1, "velocity": 0.2, "geographic": 0.3, "device": 0.4, "pattern": 0.5},
             "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}
            """
        let model = try RiskModel.decode(json: Array(json.utf8))
        #expect(model.version == "test-7")
        #expect(model.weights[.device] == 0.4)
        #expect(model.level(for: 0.49) == .medium)
        #expect(model.level(for: 0.9) == .critical)
        let again = try RiskModel.decode(json: Array(try model.encodedJSON()))
        #expect(again == model)
    }

    @Test(
        "invalid model files are refused with a reason",
        arguments: [
            #"{"version": "x", "weights": {"amount": 1.5, "velocity": 0.2, "geographic": 0.3, "device": 0.4, "pattern": 0.5}, "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
            #"{"version": "x", "weights": {"amount": 0.1, "velocity": 0.2, "geographic": 0.3, "device": 0.4, "pattern": 0.5}, "thresholds": {"medium": 0.6, "high": 0.5, "critical": 0.9}}"#,
            #"{"version": "", "weights": {"amount": 0.1, "velocity": 0.2, "geographic": 0.3, "device": 0.4, "pattern": 0.5}, "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}"#,
            #"{"weights": {}}"#,
            "not json",
        ])
    func invalid(json: String) {
        #expect(throws: (any Error).self) { try RiskModel.decode(json: Array(json.utf8)) }
    }

    @Test("a model file without a factor's weight loads it at the factor's default")
    func missingFactorWeight() throws {
        let json = """
            {"version": "older-1", "weights": {"amount": 0.1, "velocity": 0.2, "geographic": 0.3, "device": 0.4},
             "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}
            """
        let model = try RiskModel.decode(json: Array(json.utf8))
        #expect(model.weights[.pattern] == RiskFactor.pattern.defaultWeight)
        #expect(model.weights[.device] == 0.4)
    }

    @Test("a weight for a factor that does not exist is refused, naming it")
    func unknownFactorWeight() {
        let json = """
            {"version": "typo-1", "weights": {"amount": 0.1, "velocty": 0.2},
             "thresholds": {"medium": 0.2, "high": 0.5, "critical": 0.9}}
            """
        #expect(throws: (any Error).self) { try RiskModel.decode(json: Array(json.utf8)) }
        do {
            _ = try RiskModel.decode(json: Array(json.utf8))
        } catch {
            #expect("\(error)".contains("velocty"))
        }
    }

    @Test("every factor has a slot, a unique name and a default weight")
    func factorSlotsFitEveryFactor() {
        #expect(FactorSlots<Float>.count == RiskFactor.allCases.count)
        #expect(Set(RiskFactor.allCases.map(\.name)).count == RiskFactor.allCases.count)
        #expect(RiskFactor.allCases.allSatisfy { (0...1).contains($0.defaultWeight) })
        #expect(RiskModel.builtIn.weights == RiskModel.Weights.defaults)
    }

    @Test("an installed model changes levels and the reported version")
    func install() {
        let engine = RiskEngine()
        var strict = RiskModel.builtIn
        strict.version = "strict-1"
        strict.thresholds = .init(medium: 0.01, high: 0.02, critical: 0.03)
        engine.install(strict)
        #expect(engine.model.version == "strict-1")
        let result = engine.score(TransactionScript.transaction(amountMinor: 4_500, at: TransactionScript.start, category: "5732"))
        #expect(result.level == .critical)
    }
}
