import Foundation
import NIOCore
import ScoringClient
import StreamifyWire
import ScoringModel
import SyntheticWorld

/// Streams labelled traffic through a running daemon over its socket, at full speed, and
/// measures the scores that came back: the evaluation as a deployment sees it, rather than
/// in-process.
///
/// One connection, so the daemon applies transactions and reports in stream order (its answers
/// depend on that order, never on the pace). Transactions go in batches; a fraud report goes as
/// soon as it is due, after the batch before it. At most `window` requests are in flight.
struct SocketEvaluation {
    var target: ScoringTarget
    var tls: ScoringClientTLS?
    var name: String
    /// Measured from this event time on; the stream ends before `endMs`.
    var measureFromMs: Int64
    var endMs: Int64
    var cardsPerDay: Int
    var batchSize = 500
    var window = 32

    /// What one run gave: the measured contender and how the stream went.
    struct Outcome {
        var result: EvaluationReport.ContenderResult
        var transactions: Int
        var labels: Int
        var refused: Int
        var seconds: Double
        var modelVersions: Set<String>
    }

    private struct Sent {
        var future: EventLoopFuture<Response>
        /// Per transaction of a batch: truth code, card, event time (nil for a report).
        var batch: [(truth: UInt8, cardIndex: Int, timeMs: Int64)]?
    }

    func run(source: inout some WorkloadSource) async throws -> Outcome {
        let client = try await ScoringClient.connect(to: target, tls: tls)
        var measured = ModelEvaluation.Measured(daily: DailyCardPrecision(k: cardsPerDay))
        var truths: [UInt8] = []
        var inFlight: [Sent] = []
        var head = 0
        var batch: [Transaction] = []
        var batchMeta: [(truth: UInt8, cardIndex: Int, timeMs: Int64)] = []
        var counts = (transactions: 0, labels: 0, refused: 0)
        var versions: Set<String> = []
        var firstVersion: String?
        var lastVersion = ""
        let started = ContinuousClock.now

        func drainOne() async throws {
            let sent = inFlight[head]
            head += 1
            let response = try await sent.future.get()
            guard let meta = sent.batch else {
                if case .ack = response.body { counts.labels += 1 } else { counts.refused += 1 }
                return
            }
            guard case .breakdownBatch(let items) = response.body, items.count == meta.count else {
                throw ScoringClientError.unexpectedResponse("\(String(describing: response.body)) to a batch of \(meta.count)")
            }
            for (item, info) in zip(items, meta) {
                guard case .breakdown(let breakdown) = item else {
                    counts.refused += 1
                    continue
                }
                counts.transactions += 1
                versions.insert(breakdown.modelVersion)
                if firstVersion == nil { firstVersion = breakdown.modelVersion }
                lastVersion = breakdown.modelVersion
                guard info.timeMs >= measureFromMs else { continue }
                truths.append(info.truth)
                measured.add(
                    score: breakdown.riskScore, level: RiskLevel(rawValue: breakdown.level.rawValue) ?? .low,
                    cardIndex: info.cardIndex, eventTimeMs: info.timeMs, fraud: info.truth != 0)
            }
        }
        func send(_ body: Request.Body, batch meta: [(truth: UInt8, cardIndex: Int, timeMs: Int64)]?) async throws {
            inFlight.append(Sent(future: client.send(Request(requestID: client.makeRequestID(), body: body)), batch: meta))
            while inFlight.count - head > window { try await drainOne() }
            if head > 4_096 {
                inFlight.removeFirst(head)
                head = 0
            }
        }
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let transactions = batch
            let meta = batchMeta
            batch.removeAll(keepingCapacity: true)
            batchMeta.removeAll(keepingCapacity: true)
            try await send(.scoreBatch(transactions), batch: meta)
        }

        while let item = source.nextItem() {
            switch item {
            case .transaction(let labelled):
                guard labelled.transaction.eventTimeMs < endMs else { break }
                batch.append(labelled.transaction)
                batchMeta.append((labelled.truth.code, labelled.cardIndex, labelled.transaction.eventTimeMs))
                if batch.count == batchSize { try await flush() }
                continue
            case .feedback(let feedback, _):
                guard feedback.reportedTimeMs < endMs else { break }
                try await flush()
                try await send(.feedback(feedback), batch: nil)
                continue
            }
            break
        }
        try await flush()
        while head < inFlight.count { try await drainOne() }
        try await client.close()
        let fraud = truths.map { $0 != 0 }
        let result = ModelEvaluation.result(
            name: name, startVersion: firstVersion ?? "", endVersion: lastVersion,
            learnerUpdates: 0, measured: measured, fraud: fraud, truths: truths,
            afterFirstLabel: Array(repeating: false, count: truths.count))
        return Outcome(
            result: result, transactions: counts.transactions, labels: counts.labels, refused: counts.refused,
            seconds: (ContinuousClock.now - started) / .seconds(1), modelVersions: versions)
    }
}
