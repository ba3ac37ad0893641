import StreamifyWire
import SyntheticWorld
import ArgumentParser

/// Where `train` and `evaluate` get labelled traffic, and how its outcomes reach the engine.
struct LabelledTrafficOptions: ParsableArguments {
    @Option(help: "A `loadgen generate` file (frames or jsonl) instead of the synthetic world.")
    var input: String?

    @Option(help: "Labels sidecar for a frames --input (default: INPUT.labels.jsonl).")
    var labels: String?

    @Option(help: "Days of event time of the synthetic world to play.")
    var days: Double = 21

    @Option(
        help: "Event time after which a transaction without a fraud label counts as legitimate (the daemon's --outcome-maturity); must exceed --feedback-delay.")
    var outcomeMaturity: String = "4d"

    @Option(help: "Merchant fraud rates count transactions at least this many whole days old (the daemon's --outcome-delay).")
    var outcomeDelay: String = "3d"

    @OptionGroup var world: WorldOptions

    /// Chargebacks in the synthetic world arrive this long after the fraud unless told otherwise.
    static let defaultFeedbackDelaySeconds: Double = 3 * 86_400

    func validate() throws {
        guard days > 0, days <= 365 else { throw ValidationError("--days must be within (0, 365]") }
        let maturity = try DurationText.parseSeconds(outcomeMaturity)
        guard maturity >= 3_600, maturity <= 365 * 86_400 else {
            throw ValidationError("--outcome-maturity must be between 1h and 365d")
        }
        let delay = try DurationText.parseSeconds(outcomeDelay)
        guard delay >= 0, delay <= 9 * 86_400, delay.truncatingRemainder(dividingBy: 86_400) == 0 else {
            throw ValidationError("--outcome-delay must be whole days, at most 9d")
        }
        if input != nil && world.feedbackDelay != nil {
            throw ValidationError("--feedback-delay shapes the synthetic world; an --input file carries its own feedback")
        }
        // A fraud label arriving after its transaction matured as legitimate no longer teaches the model.
        if input == nil, maturity <= (try world.feedbackDelay.map(DurationText.parseSeconds) ?? Self.defaultFeedbackDelaySeconds) {
            throw ValidationError("--outcome-maturity must be longer than the feedback delay (default 3d)")
        }
    }

    /// The outcome settings these options give.
    func outcomeSettings() throws -> OutcomeSettings {
        OutcomeSettings(
            maturitySeconds: UInt32(try DurationText.parseSeconds(outcomeMaturity)),
            merchantDelayDays: Int(try DurationText.parseSeconds(outcomeDelay) / 86_400))
    }

    /// The traffic to play and a description of it. The synthetic world sends a chargeback for
    /// each fraud 3 days after it unless `--feedback-delay` says otherwise.
    func replay() throws -> (OfflineReplay, String) {
        if let input {
            let workload = try WorkloadFileReader.read(path: input, labelsPath: labels)
            guard workload.hasGroundTruth else {
                throw ValidationError("\(input) has no labels: generate it with loadgen generate (labels sidecar or jsonl)")
            }
            return (OfflineReplay(recorded: workload), "file \(input)")
        }
        var configuration = try world.configuration(transactionsPerSecond: 2_000)
        if configuration.feedbackDelayMs == nil { configuration.feedbackDelayMs = Int64(Self.defaultFeedbackDelaySeconds * 1000) }
        let scenarios = configuration.scenarios.description
        let delayDays = Double(configuration.feedbackDelayMs!) / 86_400_000
        let description =
            "world seed \(configuration.seed), \(ReportFormatting.decimal(days, digits: 1)) days, "
            + "\(ReportFormatting.grouped(configuration.cardCount)) cards, scenarios \(scenarios), "
            + "fraud labels after \(ReportFormatting.decimal(delayDays, digits: 1)) d"
        return (OfflineReplay(world: configuration, days: days), description)
    }
}
