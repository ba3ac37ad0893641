/// One line of live progress.
struct ProgressSnapshot: Sendable {
    var elapsedSeconds: Double
    var transactionsSent: Int
    var interval: IntervalStatistics
    var intervalSeconds: Double
    var errorsTotal: Int

    var line: String {
        let sentRate = Double(interval.transactionsSent) / max(intervalSeconds, 1e-9)
        let answeredRate = Double(interval.transactionsAnswered) / max(intervalSeconds, 1e-9)
        let p50 = ReportFormatting.milliseconds(interval.latency.value(atPercentile: 50))
        let p99 = ReportFormatting.milliseconds(interval.latency.value(atPercentile: 99))
        return String(
            format: "%6.0fs  sent %@ (%@/s)  scored %@/s  p50 %@  p99 %@  errors %@  in flight %d",
            elapsedSeconds, ReportFormatting.grouped(transactionsSent), ReportFormatting.grouped(Int(sentRate.rounded())),
            ReportFormatting.grouped(Int(answeredRate.rounded())), p50, p99, ReportFormatting.grouped(errorsTotal),
            interval.inFlight)
    }
}
