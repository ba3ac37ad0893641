import Archive
import ArgumentParser

/// `monitor --window 15m`: fraud monitoring over the latest window of event time.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Critical counts, average score, top reasons and alert latency over a window of event time.")

    @OptionGroup var location: ArchiveLocation

    @Option(help: "The window, ending at the newest archived event, e.g. 15m.")
    var window: String = "15m"

    @Option(help: "Exit 1 when the window holds this many critical alerts or more (off by default).")
    var criticalThreshold: Int?

    func run() throws {
        let jobs = try location.open()
        let windowMs = try ArchiveLocation.milliseconds(window, option: "--window")
        try runJob {
            let monitor = try jobs.monitor(windowMs: windowMs, endMs: nil, nowMs: ArchiveLocation.nowMs)
            let critical = monitor.alertsByLevel["critical"] ?? 0
            location.print(
                [
                    "window_start": Archiver.isoTime(monitor.windowStartMs), "window_end": Archiver.isoTime(monitor.windowEndMs),
                    "transactions": monitor.transactions, "alerts_by_level": monitor.alertsByLevel, "critical_alerts": critical,
                    "average_score": monitor.averageScore,
                    "top_reasons": monitor.topReasons.map { ["factor": $0.factor, "alerts": $0.alerts] as [String: Any] },
                    "alert_latency_p50_ms": monitor.alertLatencyP50Ms ?? -1, "alert_latency_p99_ms": monitor.alertLatencyP99Ms ?? -1,
                ],
                text: """
                    \(Archiver.isoTime(monitor.windowStartMs)) to \(Archiver.isoTime(monitor.windowEndMs)): \
                    \(monitor.transactions) transactions, \(critical) critical alerts, average score \
                    \(String(format: "%.4f", monitor.averageScore))
                    alerts by level: \(monitor.alertsByLevel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    top reasons: \(monitor.topReasons.map { "\($0.factor) \($0.alerts)" }.joined(separator: ", "))
                    alert latency (event to warehouse): p50 \(monitor.alertLatencyP50Ms.map { "\($0) ms" } ?? "n/a"), \
                    p99 \(monitor.alertLatencyP99Ms.map { "\($0) ms" } ?? "n/a")
                    """)
            if let criticalThreshold, critical >= criticalThreshold { throw ExitCode(1) }
        }
    }
}
