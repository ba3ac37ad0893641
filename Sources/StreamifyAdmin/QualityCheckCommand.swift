import Archive
import ArgumentParser

/// `quality-check`: the seed's data-quality checks; exit 1 when any fails.
struct QualityCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality-check", abstract: "Missing ids, non-positive amounts, duplicate transactions and freshness.")

    @OptionGroup var location: ArchiveLocation

    @Option(help: "Fail when the newest archived event is older than this before now, e.g. 1h (off by default: a replay is never fresh).")
    var maxAge: String?

    @Option(help: "Check only the rows added since the windowed check this long ago, e.g. 1h (wall clock; the whole archive by default).")
    var window: String?

    func run() throws {
        let jobs = try location.open()
        let age = try maxAge.map { try ArchiveLocation.milliseconds($0, option: "--max-age") }
        let windowMs = try window.map { try ArchiveLocation.milliseconds($0, option: "--window") }
        try runJob {
            let checks = try jobs.qualityChecks(maximumAgeMs: age, windowMs: windowMs, nowMs: ArchiveLocation.nowMs)
            let failed = checks.filter { $0.failures > 0 }
            location.print(
                [
                    "passed": failed.isEmpty,
                    "checks": checks.map { ["name": $0.name, "failures": $0.failures, "detail": $0.detail] as [String: Any] },
                ],
                text: checks.map { "\($0.failures == 0 ? "pass" : "FAIL") \($0.name): \($0.failures) (\($0.detail))" }
                    .joined(separator: "\n"))
            if !failed.isEmpty { throw ExitCode(1) }
        }
    }
}
