import SyntheticWorld
import Foundation
import StreamifyWire
import Synchronization

/// Generates and encodes the workload ahead of the senders, one queue per connection.
///
/// Items go to connection `cardIndex % connections`, so each card's transactions reach the
/// daemon in event-time order on one connection. Work is done in rounds; after each round every
/// connection's new requests are published. `prefill` runs before the clock starts (so a short
/// run is generated entirely up front); `startBackground` keeps producing on its own thread,
/// staying at most `aheadTransactions` ahead of what the senders consumed.
final class WorkloadProducer: @unchecked Sendable {
    let queues: [WorkloadQueue]
    /// Transactions to produce in all; `nil` for an endless stream.
    let transactionLimit: Int?
    let roundTransactions: Int

    // Touched only by the thread producing (the caller of `prefill`, then the background thread).
    private var source: any WorkloadSource
    private var encoders: [RequestEncoder]
    private var position = 0
    private var exhausted = false
    private var statistics = GenerationStatistics()

    private let consumedTransactions = Atomic<Int>(0)
    private let stopRequested = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private var thread: Thread?

    init(
        source: any WorkloadSource, connections: Int, batchSize: Int, explain: Explain = .all, transactionLimit: Int?,
        roundTransactions: Int = 4_096
    ) {
        precondition(connections >= 1)
        self.source = source
        self.queues = (0..<connections).map { _ in WorkloadQueue() }
        self.encoders = (0..<connections).map { _ in RequestEncoder(batchSize: batchSize, explain: explain) }
        self.transactionLimit = transactionLimit
        self.roundTransactions = roundTransactions
    }

    /// Produces on the calling thread until `transactions` have been produced (or the end).
    func prefill(transactions: Int) {
        while !exhausted && position < transactions {
            produceRound()
        }
    }

    /// Continues on a background thread, staying at most `aheadTransactions` ahead.
    func startBackground(aheadTransactions: Int) {
        guard !exhausted else {
            done.signal()
            return
        }
        let thread = Thread { [self] in
            while !exhausted && !stopRequested.load(ordering: .relaxed) {
                if position - consumedTransactions.load(ordering: .relaxed) >= aheadTransactions {
                    usleep(1_000)
                    continue
                }
                produceRound()
            }
            if !exhausted { finishQueues() }
            done.signal()
        }
        thread.name = "loadgen-producer"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Senders report what they took, so the producer knows how far ahead it is.
    func consumed(transactions: Int) {
        consumedTransactions.add(transactions, ordering: .relaxed)
    }

    /// Stops the background thread (if any) and returns the generation statistics.
    func stop(starvedPolls: Int) -> GenerationStatistics {
        stopRequested.store(true, ordering: .relaxed)
        if thread != nil { done.wait() }
        var result = statistics
        result.encodedBytes = encoders.reduce(0) { $0 + $1.encodedBytes }
        result.starvedPolls = starvedPolls
        return result
    }

    private func produceRound() {
        let started = ContinuousClock.now
        var produced = 0
        while produced < roundTransactions {
            guard let item = source.nextItem() else {
                finishQueues()
                break
            }
            // Feedback due before the next transaction still goes out after the last one.
            if case .transaction = item, let limit = transactionLimit, position >= limit {
                finishQueues()
                break
            }
            let connection = item.cardIndex % encoders.count
            switch item {
            case .transaction(let labelled):
                let code = source.hasGroundTruth && labelled.knownTruth ? labelled.truth.code : GroundTruth.unknownCode
                encoders[connection].add(labelled.transaction, truthCode: code, position: position)
                position += 1
                produced += 1
                statistics.transactions += 1
            case .feedback(let feedback, _):
                encoders[connection].add(feedback, position: position)
                statistics.feedback += 1
            }
        }
        publish()
        statistics.seconds += (ContinuousClock.now - started).seconds
    }

    private func publish() {
        for index in encoders.indices {
            if let chunk = encoders[index].takeChunk() {
                statistics.requests += chunk.requests.count
                queues[index].push(chunk)
            }
        }
    }

    private func finishQueues() {
        guard !exhausted else { return }
        exhausted = true
        for index in encoders.indices {
            encoders[index].flushPartialBatch(duePosition: max(position - 1, 0))
        }
        publish()
        for queue in queues { queue.finish() }
    }
}

extension Duration {
    /// This duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
