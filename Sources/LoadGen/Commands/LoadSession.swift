import SyntheticWorld
import ArgumentParser
import Foundation

/// What `run` and `replay` share: signals, progress, the report, the SLO verdict.
enum LoadSession {
    /// Runs the load and reports; throws `ExitCode` when the SLO is missed or nothing was scored.
    static func execute(
        options: LoadOptions, configuration: LoadConfiguration, source: any WorkloadSource, world: WorldConfiguration?
    ) async throws {
        let control = RunControl()
        let signals = StopOnSignals(control: control)
        defer { signals.cancel() }
        let quiet = options.quiet
        printError(
            "loadgen: \(configuration.target), \(configuration.rate.map { "\(Int($0))/s open loop" } ?? "closed loop"), "
                + "\(configuration.connections) connections × \(configuration.pipeline) in flight, batch \(configuration.batchSize)"
                + (configuration.durationSeconds == nil && configuration.count == nil
                    ? (source.isEndless ? ", until SIGINT/SIGTERM" : ", to the end of the file") : ""))
        let result = try await LoadRunner.run(configuration, source: source, control: control) { snapshot in
            if !quiet { printError(snapshot.line) }
        }
        let settings = RunReport.Settings(
            target: configuration.target.description, mode: configuration.rate == nil ? "closed_loop" : "open_loop",
            rate: configuration.rate, connections: configuration.connections, pipeline: configuration.pipeline,
            batch: configuration.batchSize, durationSeconds: configuration.durationSeconds, count: configuration.count,
            warmupSeconds: configuration.warmupSeconds, world: world)
        let report = RunReport(settings: settings, result: result, objective: options.objective)
        print(report.table)
        if let path = options.report {
            try report.json().write(to: URL(fileURLWithPath: path))
            printError("loadgen: JSON report written to \(path)")
        }
        if let path = options.latencyDistribution {
            try result.statistics.latency.percentileDistribution().write(toFile: path, atomically: true, encoding: .utf8)
            printError("loadgen: latency distribution written to \(path)")
        }
        if !report.objectiveViolations.isEmpty { throw ExitCode(3) }
        if result.statistics.scoredTransactions == 0 {
            printError("loadgen: no transaction was scored")
            throw ExitCode(1)
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
