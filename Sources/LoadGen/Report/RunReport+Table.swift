import Foundation

extension RunReport {
    /// The report as an operator reads it in a terminal.
    var table: String {
        typealias F = ReportFormatting
        var sections: [String] = []
        let mode = settings.rate.map { "open loop at \(F.grouped(Int($0)))/s" } ?? "closed loop (--max)"
        sections.append(
            """
            loadgen report: \(settings.target), \(mode), \(settings.connections) connections × \(settings.pipeline) in flight, batch \(settings.batch)\(interrupted ? "  [interrupted]" : "")
            """)
        if let world = settings.world {
            let perCardPerDay = world.transactionsPerSecond / world.speedup * 86_400 / Double(world.cardCount)
            sections.append(
                "world: seed \(world.seed), \(F.grouped(world.cardCount)) cards, \(F.grouped(world.merchantCount)) merchants, "
                    + "fraud \(F.percent(world.fraudRate)), speedup \(F.grouped(Int(world.speedup)))× "
                    + String(format: "(%.1f transactions per card per simulated day)", perCardPerDay))
        }
        sections.append(
            "Throughput\n"
                + F.table([
                    ["scored transactions/s", String(format: "%.1f", throughput.transactionsPerSecond)],
                    ["requests/s", String(format: "%.1f", throughput.requestsPerSecond)],
                    ["measured transactions", F.grouped(throughput.measuredTransactions)],
                    ["measured seconds", String(format: "%.3f", throughput.measuredSeconds)],
                    ["sent / scored (all)", "\(F.grouped(throughput.transactionsSent)) / \(F.grouped(throughput.transactionsScored))"],
                ]))
        var latencyRows = [F.latencyHeader, F.latencyRow("latency", latencyMicroseconds)]
        if refusalLatencyMicroseconds.count > 0 {
            // Requests the daemon refused (shed): not in the latency row above.
            latencyRows.append(F.latencyRow("refused requests", refusalLatencyMicroseconds))
        }
        if sendLagMicroseconds.count > 0 {
            // Open loop only: how late loadgen sent relative to the schedule.
            latencyRows.append(F.latencyRow("loadgen send lag", sendLagMicroseconds))
        }
        sections.append(
            "Latency (HdrHistogram, \(settings.rate == nil ? "from send" : "from intended send time"))\n" + F.table(latencyRows))
        let errorRows = errors.sorted { $0.key < $1.key }.map { [$0.key, F.grouped($0.value)] }
        sections.append("Errors\n" + (errorRows.isEmpty ? "  none" : F.table(errorRows)))
        if feedback.sent > 0 {
            sections.append("Feedback\n" + F.table([["sent", F.grouped(feedback.sent)], ["acknowledged", F.grouped(feedback.acknowledged)]]))
        }
        if let detection {
            var rows = [["alert level ≥", "alerts", "per 1,000", "precision", "recall"]]
            for level in detection.levels {
                rows.append([level.level, F.grouped(Int(level.alerts)), String(format: "%.2f", level.alertsPer1000), F.percent(level.precision), F.percent(level.recall)])
            }
            var scenarioRows = [["scenario", "transactions", "mean score", "recall ≥medium", "≥high", "≥critical"]]
            for scenario in detection.scenarios {
                scenarioRows.append([
                    scenario.scenario, F.grouped(Int(scenario.transactions)), F.decimal(scenario.meanScore),
                    F.percent(scenario.recallAtMedium), F.percent(scenario.recallAtHigh), F.percent(scenario.recallAtCritical),
                ])
            }
            sections.append(
                "Detection (\(F.grouped(Int(detection.transactions))) scored: \(F.grouped(Int(detection.fraud))) fraud, \(F.grouped(Int(detection.legitimate))) legitimate)\n"
                    + "  ROC AUC \(F.decimal(detection.rocAUC))   average precision \(F.decimal(detection.averagePrecision))\n"
                    + F.table(rows) + "\n" + F.table(scenarioRows))
        }
        sections.append(
            "Load generator\n"
                + F.table([
                    ["generated + encoded", "\(F.grouped(generation.transactions)) transactions, \(F.grouped(generation.feedback)) feedback, \(F.grouped(generation.encodedBytes)) bytes"],
                    ["generation speed", "\(F.grouped(Int(generation.transactionsPerSecond))) transactions/s (\(String(format: "%.3f", generation.seconds)) s)"],
                    ["starved polls", F.grouped(generation.starvedPolls)],
                    [
                        "loadgen CPU",
                        String(format: "%.2f s (%.0f%% of one core over %.1f s)", generation.cpuSeconds,
                            throughput.wallSeconds > 0 ? generation.cpuSeconds / throughput.wallSeconds * 100 : 0, throughput.wallSeconds),
                    ],
                ]))
        if !objective.isEmpty {
            sections.append(
                objectiveViolations.isEmpty
                    ? "SLO: met"
                    : "SLO: MISSED\n" + objectiveViolations.map { "  - \($0)" }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }
}
