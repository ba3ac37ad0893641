import Archive
import ArgumentParser
import Foundation

/// `report --day`: one day's sales and fraud summary, also recorded in `kpi_metrics`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "One day's summary (event time, UTC): sales, alerts by level, labels, top categories.")

    @OptionGroup var location: ArchiveLocation

    @Option(help: "The day, YYYY-MM-DD (default: the day of the newest archived transaction).")
    var day: String?

    func run() throws {
        let jobs = try location.open()
        try runJob {
            let day = try day ?? jobs.newestEventTime().map { String(Archiver.isoTime($0).prefix(10)) } ?? "1970-01-01"
            let report = try jobs.report(day: day, nowMs: ArchiveLocation.nowMs)
            let categories = report.topCategories.map { ["category": $0.category, "transactions": $0.transactions, "revenue": $0.revenue] }
            location.print(
                [
                    "day": report.day, "transactions": report.transactions, "revenue": report.revenue,
                    "avg_transaction": report.averageTransaction, "cards": report.cards, "alerts_by_level": report.alertsByLevel,
                    "labels": report.labels, "top_categories": categories,
                ],
                text: """
                    report for \(report.day): \(report.transactions) transactions, revenue \(String(format: "%.2f", report.revenue)), \
                    average \(String(format: "%.2f", report.averageTransaction)), \(report.cards) cards
                    alerts by level: \(report.alertsByLevel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    labels: \(report.labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                    top categories: \(report.topCategories.map { "\($0.category) \($0.transactions)" }.joined(separator: ", "))
                    """)
        }
    }
}
