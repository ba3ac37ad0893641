import StreamifyWire
import SyntheticWorld
import ArgumentParser

/// Where `train` and `evaluate` get labelled traffic, and how its outcomes reach the engine.
struct LabelledTrafficOptions: ParsableArguments {
    @Option(help: "A `loadgen generate` file (frames or jsonl) instead of the synthetic world.")
    var input: String?

    @Option(help: "Labels sidecar for a frames --input (default: INPUT.labels.jsonl).")
    var labels: String?

    @Option(
        help: ArgumentHelp(
            "Read --input as your own labelled history (CSV with a header row, or .jsonl), naming its columns: field=column,...",
            discussion: "Required fields: card, merchant, amount, time, label. Optional: transaction, latitude, longitude, country, device, ip, user_agent, category, method, channel, currency. Example: --columns card=card_id,merchant=terminal_id,amount=tx_amount,time=tx_datetime,label=tx_fraud",
            valueName: "mapping"))
    var columns: String?

    @Option(help: "With --columns: amounts are in major (12.50) or minor (1250) units.")
    var amountUnit: String = "major"

    @Option(help: "With --columns: how long after a fraud its chargeback (the label) arrives.")
    var chargebackDelay: String = "7d"

    @Option(help: "Days of event time of the synthetic world to play.")
    var days: Double = 21

    @Option(
        help: ArgumentHelp(
            "Which synthetic world: city (devices, categories, travel; the default) or terminal (card, terminal, amount, time and place only).",
            discussion: "The terminal world takes --seed, --cards (cardholders, default 5,000), --merchants (terminals, default 10,000) and --feedback-delay (default 7d); its fraud is its own (terminal_compromise, skimmed_card, night_cash_out)."))
    var world: String = "city"

    @Option(
        help: "Event time after which a transaction without a fraud label counts as legitimate (the daemon's --outcome-maturity); must exceed --feedback-delay.")
    var outcomeMaturity: String = "4d"

    @Option(help: "Merchant fraud rates count transactions at least this many whole days old (the daemon's --outcome-delay).")
    var outcomeDelay: String = "3d"

    @OptionGroup var worldOptions: WorldOptions

    /// Chargebacks in the synthetic world arrive this long after the fraud unless told otherwise:
    /// 3 days in the city world, 7 in the terminal world.
    var defaultFeedbackDelaySeconds: Double { world == "terminal" ? 7 * 86_400 : 3 * 86_400 }

    func validate() throws {
        guard days > 0, days <= 365 else { throw ValidationError("--days must be within (0, 365]") }
        guard ["city", "terminal"].contains(world) else { throw ValidationError("--world must be city or terminal") }
        if world == "terminal", input != nil { throw ValidationError("--world terminal plays the terminal world; leave out --input") }
        let maturity = try DurationText.parseSeconds(outcomeMaturity)
        guard maturity >= 3_600, maturity <= 365 * 86_400 else {
            throw ValidationError("--outcome-maturity must be between 1h and 365d")
        }
        let delay = try DurationText.parseSeconds(outcomeDelay)
        guard delay >= 0, delay <= 9 * 86_400, delay.truncatingRemainder(dividingBy: 86_400) == 0 else {
            throw ValidationError("--outcome-delay must be whole days, at most 9d")
        }
        if let columns {
            guard input != nil else { throw ValidationError("--columns describes an --input file; give one") }
            do { _ = try HistoryExport.Columns(parsing: columns) } catch { throw ValidationError("\(error)") }
            guard HistoryExport.AmountUnit(rawValue: amountUnit) != nil else {
                throw ValidationError("--amount-unit must be major or minor")
            }
            let delay = try DurationText.parseSeconds(chargebackDelay)
            guard delay >= 0, delay < maturity else {
                throw ValidationError("--chargeback-delay must be shorter than --outcome-maturity")
            }
        }
        if input != nil && worldOptions.feedbackDelay != nil {
            throw ValidationError("--feedback-delay shapes the synthetic world; an --input file carries its own feedback")
        }
        // A fraud label arriving after its transaction matured as legitimate no longer teaches the model.
        if input == nil, maturity <= (try worldOptions.feedbackDelay.map(DurationText.parseSeconds) ?? defaultFeedbackDelaySeconds) {
            throw ValidationError(
                "--outcome-maturity must be longer than the feedback delay (default \(Int(defaultFeedbackDelaySeconds / 86_400))d)")
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
        if let input, let columns {
            let export = HistoryExport(
                columns: try HistoryExport.Columns(parsing: columns), amountUnit: HistoryExport.AmountUnit(rawValue: amountUnit) ?? .major,
                chargebackDelayMs: Int64(try DurationText.parseSeconds(chargebackDelay) * 1000))
            let (workload, summary) = try export.read(path: input)
            let description =
                "history \(input): \(ReportFormatting.grouped(summary.rows)) rows, \(ReportFormatting.grouped(summary.frauds)) fraud, "
                + "chargebacks after \(chargebackDelay)"
            return (OfflineReplay(recorded: workload), description)
        }
        if let input {
            let workload = try WorkloadFileReader.read(path: input, labelsPath: labels)
            guard workload.hasGroundTruth else {
                throw ValidationError("\(input) has no labels: generate it with loadgen generate (labels sidecar or jsonl)")
            }
            return (OfflineReplay(recorded: workload), "file \(input)")
        }
        let delayMs = try worldOptions.feedbackDelay.map { Int64(try DurationText.parseSeconds($0) * 1000) }
            ?? Int64(defaultFeedbackDelaySeconds * 1000)
        if world == "terminal" {
            var configuration = TerminalWorldConfiguration(seed: worldOptions.seed, feedbackDelayMs: delayMs)
            if let cards = worldOptions.cards { configuration.customerCount = cards }
            if let terminals = worldOptions.merchants { configuration.terminalCount = terminals }
            let description =
                "terminal world seed \(configuration.seed), \(ReportFormatting.decimal(days, digits: 1)) days, "
                + "\(ReportFormatting.grouped(configuration.customerCount)) cards, "
                + "\(ReportFormatting.grouped(configuration.terminalCount)) terminals, "
                + "fraud labels after \(ReportFormatting.decimal(Double(delayMs) / 86_400_000, digits: 1)) d"
            return (OfflineReplay(terminalWorld: configuration, days: days), description)
        }
        var configuration = try worldOptions.configuration(transactionsPerSecond: 2_000)
        configuration.feedbackDelayMs = delayMs
        let scenarios = configuration.scenarios.description
        let delayDays = Double(configuration.feedbackDelayMs!) / 86_400_000
        let description =
            "world seed \(configuration.seed), \(ReportFormatting.decimal(days, digits: 1)) days, "
            + "\(ReportFormatting.grouped(configuration.cardCount)) cards, scenarios \(scenarios), "
            + "fraud labels after \(ReportFormatting.decimal(delayDays, digits: 1)) d"
        return (OfflineReplay(world: configuration, days: days), description)
    }
}
