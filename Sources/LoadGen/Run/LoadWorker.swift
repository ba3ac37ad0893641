import NIOCore
import ScoringClient
import StreamifyWire

/// Drives one connection: sends its queue's requests on schedule with at most `pipeline` in
/// flight, and measures the answers.
///
/// Confined to the connection's event loop (hence `@unchecked Sendable`): every method and
/// callback runs there, and the entry points check it.
final class LoadWorker: ResponseSummaryReceiver, @unchecked Sendable {
    /// A request on the wire, in send order (the order answers come back in).
    private struct InFlight {
        var intendedNanos: UInt64
        var chunk: WorkloadChunk
        var requestIndex: Int
    }

    let client: ScoringClient
    private let queue: WorkloadQueue
    private let producer: WorkloadProducer
    private let control: RunControl
    private let schedule: SendSchedule
    private let pipeline: Int
    /// Sets each request's `deadline_ms` when given (`--deadline`).
    private let deadline: DeadlineStamp?

    private var chunk: WorkloadChunk?
    private var cursor = 0
    /// Requests taken by `pump` whose frames are not written yet: back to back in one chunk, so
    /// they go out as one slice.
    private var burst: (chunk: WorkloadChunk, start: Int, end: Int, count: Int)?
    private var inFlight = CircularBuffer<InFlight>(initialCapacity: 256)
    private var sendingFinished = false
    private var isDone = false
    private var pumpQueued = false
    private var wake: Scheduled<Void>?
    private var wakeAtNanos = UInt64.max
    private let done: EventLoopPromise<Void>

    private(set) var statistics = WorkerStatistics()
    private var interval = IntervalStatistics()
    private(set) var starvedPolls = 0

    var eventLoop: any EventLoop { client.eventLoop }
    /// Succeeds once sending has finished and every request was answered or failed.
    var finished: EventLoopFuture<Void> { done.futureResult }

    init(
        client: ScoringClient, queue: WorkloadQueue, producer: WorkloadProducer, control: RunControl, schedule: SendSchedule,
        pipeline: Int, deadlineMilliseconds: Int? = nil
    ) {
        precondition(pipeline >= 1)
        self.deadline = deadlineMilliseconds.map { DeadlineStamp(budgetMilliseconds: Int64($0), uptimeNanos: Self.nowNanos()) }
        self.client = client
        self.queue = queue
        self.producer = producer
        self.control = control
        self.schedule = schedule
        self.pipeline = pipeline
        self.done = client.eventLoop.makePromise()
    }

    /// Starts sending at the schedule's start. Call on the event loop.
    func start() {
        eventLoop.preconditionInEventLoop()
        let now = Self.nowNanos()
        if schedule.startNanos > now {
            scheduleWake(atNanos: schedule.startNanos)
        } else {
            pump()
        }
    }

    /// Stops sending new requests (answers are still awaited). Call on the event loop.
    func stopSending() {
        eventLoop.preconditionInEventLoop()
        finishSending()
        checkDone()
    }

    /// Hands over and resets the last interval's numbers. Call on the event loop.
    func takeInterval() -> IntervalStatistics {
        eventLoop.preconditionInEventLoop()
        var snapshot = interval
        snapshot.inFlight = inFlight.count
        interval.latency.reset()
        interval.transactionsSent = 0
        interval.transactionsAnswered = 0
        interval.errors = 0
        return snapshot
    }

    static func nowNanos() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds
    }

    // MARK: Sending

    private func pump() {
        guard !sendingFinished else {
            checkDone()
            return
        }
        let now = Self.nowNanos()
        var wrote = false
        while inFlight.count < pipeline {
            if control.isStopping {
                finishSending()
                break
            }
            guard let current = nextChunk(now: now) else { break }
            let request = current.requests[cursor]
            let intended: UInt64
            if let due = schedule.intendedNanos(duePosition: request.duePosition) {
                if let end = schedule.endNanos, due >= end {
                    finishSending()
                    break
                }
                if due > now {
                    scheduleWake(atNanos: due)
                    break
                }
                intended = due
                if !request.isFeedback && due >= schedule.measureFromNanos {
                    statistics.sendLag.record(nanoseconds: now - due)
                }
            } else {
                if let end = schedule.endNanos, now >= end {
                    finishSending()
                    break
                }
                intended = now
            }
            cursor += 1
            inFlight.append(InFlight(intendedNanos: intended, chunk: current, requestIndex: cursor - 1))
            if let deadline {
                // Each stamped frame is a buffer of its own.
                client.writeOnEventLoop(frame: deadline.stamp(current.frame(of: request), intendedNanos: intended), to: self)
            } else if let pending = burst, pending.chunk === current, pending.end == request.frameOffset {
                burst = (current, pending.start, request.frameEnd, pending.count + 1)
            } else {
                writeBurst()
                burst = (current, request.frameOffset, request.frameEnd, 1)
            }
            statistics.requestsSent += 1
            if request.isFeedback {
                statistics.feedbackSent += 1
            } else {
                statistics.transactionsSent += Int(request.transactionCount)
                interval.transactionsSent += Int(request.transactionCount)
            }
            wrote = true
        }
        writeBurst()
        if wrote { client.flushOnEventLoop() }
        checkDone()
    }

    /// Writes the requests `pump` has gathered, with one write.
    private func writeBurst() {
        guard let pending = burst else { return }
        burst = nil
        client.writeOnEventLoop(frames: pending.chunk.frames(from: pending.start, to: pending.end), count: pending.count, to: self)
    }

    /// The chunk holding the next request, taking a new one from the queue when needed.
    private func nextChunk(now: UInt64) -> WorkloadChunk? {
        if let chunk, cursor < chunk.requests.count { return chunk }
        switch queue.pop() {
        case .chunk(let next):
            producer.consumed(transactions: next.transactionCount)
            chunk = next
            cursor = 0
            return next
        case .empty:
            starvedPolls += 1
            scheduleWake(atNanos: now + 1_000_000)
            return nil
        case .finished:
            finishSending()
            return nil
        }
    }

    private func scheduleWake(atNanos nanos: UInt64) {
        guard nanos < wakeAtNanos else { return }
        wake?.cancel()
        wakeAtNanos = nanos
        wake = eventLoop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(nanos)) { [self] in
            wakeAtNanos = .max
            wake = nil
            pump()
        }
    }

    private func finishSending() {
        sendingFinished = true
        wake?.cancel()
        wake = nil
        wakeAtNanos = .max
    }

    private func checkDone() {
        if sendingFinished && inFlight.isEmpty && !isDone {
            isDone = true
            done.succeed()
        }
    }

    // MARK: Answers

    /// An answer (or the failure of the request it belongs to), in send order.
    func receive(_ result: Result<ResponseSummary, any Error>) {
        guard let entry = inFlight.popFirst() else { return }
        let now = Self.nowNanos()
        let request = entry.chunk.requests[entry.requestIndex]
        let measured = entry.intendedNanos >= schedule.measureFromNanos
        var answered = true
        var refused = false
        switch result {
        case .success(let summary) where summary.requestID != request.requestID:
            // Answers must come in request order, echoing the id: this one cannot be trusted.
            statistics.unexpectedResponses += 1
            interval.errors += 1
        case .success(let summary):
            switch summary.kind {
            case .breakdown, .breakdownBatch:
                record(summary.items, of: request, in: entry.chunk, measured: measured)
            case .ack:
                statistics.feedbackAcknowledged += 1
            case .error(let code):
                statistics.requestErrors[Int(code.rawValue)] += 1
                interval.errors += 1
                refused = true
            case .pong, .empty:
                statistics.unexpectedResponses += 1
                interval.errors += 1
            }
        case .failure:
            answered = false
            statistics.connectionFailures += 1
            interval.errors += 1
            // The connection is gone: nothing more can be sent on it, and a run that lost a
            // connection no longer measures what it was asked to, so the others stop too.
            finishSending()
            control.requestStop()
        }
        if answered && measured && !request.isFeedback && refused {
            statistics.refusalLatency.record(nanoseconds: now >= entry.intendedNanos ? now - entry.intendedNanos : 0)
        } else if answered && measured && !request.isFeedback {
            let latency = now >= entry.intendedNanos ? now - entry.intendedNanos : 0
            statistics.latency.record(nanoseconds: latency)
            interval.latency.record(nanoseconds: latency)
            statistics.measuredRequests += 1
            statistics.lastCompletionNanos = now
        }
        queuePump()
    }

    private func record(_ items: [ResponseSummary.Item], of request: EncodedRequest, in chunk: WorkloadChunk, measured: Bool) {
        if items.count != Int(request.transactionCount) {
            statistics.unexpectedResponses += 1
            interval.errors += 1
        }
        let truthStart = Int(request.truthStart)
        for (offset, item) in items.prefix(Int(request.transactionCount)).enumerated() {
            if let code = item.errorCode {
                statistics.itemErrors[Int(code.rawValue)] += 1
                interval.errors += 1
                continue
            }
            statistics.scoredTransactions += 1
            interval.transactionsAnswered += 1
            if measured { statistics.measuredTransactions += 1 }
            statistics.detection.record(
                score: item.riskScore, levelRawValue: item.level.rawValue, truthCode: chunk.truthCodes[truthStart + offset])
        }
    }

    /// Answers arrive in bursts; send what they freed once per burst, with one flush.
    private func queuePump() {
        guard !pumpQueued else { return }
        pumpQueued = true
        eventLoop.execute { [self] in
            pumpQueued = false
            pump()
        }
    }
}
