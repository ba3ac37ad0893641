import Logging
import ScoringEngine
import NIOCore
import NIOSSL
import StreamifyWire

/// Answers request frames on one connection: one response frame per request, in order.
///
/// Every frame of a read burst is scored synchronously in `channelRead` and its response
/// appended to one outbound buffer, which is written and flushed once in
/// `channelReadComplete`: pipelined requests leave in a single gathering write. A long burst
/// (hundreds of pipelined batches) is flushed part-way as well, once its first answer has waited
/// `maxAnswerHold`, so an answer is not held for the whole burst's scoring.
///
/// A batch larger than `FrameProcessor.batchSlice` is decoded, then scored and encoded, a slice
/// per event-loop turn (`LargeBatch`), so other connections on the loop are served in between.
/// Meanwhile this connection's later frames wait in order (`waiting`), no more is read, and a
/// half-close, a timeout or a fatal framing error waits too (`pendingEnd`): nothing received
/// before it goes unanswered.
///
/// Nothing received is dropped on the way out. A half-close, the end of a graceful drain and a
/// fatal framing error all close only after everything already answered has left the socket
/// (`Lifecycle.closing`), so no answer is cut mid-frame; a reader paused by backpressure is
/// waiting for its answers, not idle.
final class ScoringHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let processor: FrameProcessor
    private let metrics: ScoringMetrics
    private let connections: ConnectionMetrics
    private let logger: Logger
    private var outbound: ByteBuffer?
    /// When the first answer now in `outbound` began to be made (uptime nanoseconds).
    private var heldSince: UInt64 = 0
    /// The longest an answer waits in `outbound` for the rest of its read burst.
    static let maxAnswerHold = TimeAmount.milliseconds(1)
    private var lifecycle = Lifecycle.serving

    private enum Lifecycle: Equatable {
        /// Reading and answering.
        case serving
        /// The server is shutting down: still answering; close once `drainQuietChecks` checks
        /// in a row find nothing new (no request answered, no byte received: a frame may be
        /// arriving slowly) while the connection could take more output.
        case draining(progressAtLastCheck: Int, quietChecks: Int)
        /// Reading no more; the connection closes once every answer written so far has gone.
        case closing
    }

    /// Frames that arrived while a batch was part-way scored, in order.
    private var waiting = CircularBuffer<ByteBuffer>()
    /// A read the pipeline asked for while a batch was in progress, to issue once it is done.
    private var readHeld = false
    /// What ends the connection once every frame received before it is answered.
    private enum End {
        case inputClosed
        /// The input ended inside a frame, of which this many bytes arrived.
        case inputCutMidFrame(receivedBytes: Int)
        case frameTooLarge(FrameTooLargeError)
        case timedOut(ConnectionTimeout)
        case inputBudgetExceeded
    }
    private var pendingEnd: End?
    /// Whether the answers in `outbound` wait for the state journal, which could not be written
    /// (a full or failing disk): an answer never leaves before the change it reports is durable.
    /// Tried again every `journalRetryInterval`; meanwhile nothing more is read.
    private var holdingForJournal = false
    /// How often held answers try the journal again.
    static let journalRetryInterval = TimeAmount.milliseconds(100)
    /// Whether answers are still owed for frames already received.
    private var isBusy: Bool { processor.hasBatchInProgress || !waiting.isEmpty || holdingForJournal }

    /// Requests answered on this connection.
    private var answered = 0
    /// The bytes this connection received, counted before the frame decoder; nil: not counted.
    private let activity: InputActivity?
    /// What a draining connection's quiet checks compare: requests answered and bytes received.
    private var progress: Int { answered &+ (activity?.bytesReceived ?? 0) }
    /// How often a draining connection is checked for idleness.
    static let drainCheckInterval = TimeAmount.milliseconds(100)
    /// Longest wait for answers to leave once the connection is closing.
    private let lingerLimit: TimeAmount
    /// What closes a closing connection whose answers have not left within `lingerLimit`.
    private var linger: Scheduled<Void>?

    /// Where this connection's unread answers are summed with everyone's; nil: not counted.
    private let outputBudget: ByteBudget?
    /// This connection's unread answer bytes as last added to `outputBudget`.
    private var reportedOutput = 0
    /// Whether an empty write is queued behind the buffered answers, to report when they have left.
    private var watchingOutput = false

    init(
        processor: FrameProcessor, metrics: ScoringMetrics, connections: ConnectionMetrics, logger: Logger,
        outputBudget: ByteBudget? = nil, lingerLimit: TimeAmount = .seconds(30), activity: InputActivity? = nil
    ) {
        self.outputBudget = outputBudget
        self.activity = activity
        self.lingerLimit = lingerLimit
        self.processor = processor
        self.metrics = metrics
        self.connections = connections
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        connections.connectionOpened()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        linger?.cancel()
        outputBudget?.adjust(by: -reportedOutput)
        reportedOutput = 0
        processor.abandonBatch()
        metrics.collect(&processor.counters)
        connections.connectionClosed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard lifecycle != .closing, pendingEnd == nil else { return }
        let frame = unwrapInboundIn(data)
        if isBusy {
            waiting.append(frame)
            return
        }
        flushIfHeldTooLong(context: context)
        process(frame, context: context)
    }

    /// Before a frame is answered: starts the hold clock if `outbound` is empty, or flushes the
    /// answers in it part-way if the first of them has waited `maxAnswerHold`.
    private func flushIfHeldTooLong(context: ChannelHandlerContext) {
        let now = NIODeadline.now().uptimeNanoseconds
        if (outbound?.readableBytes ?? 0) == 0 {
            heldSince = now
        } else if now &- heldSince > UInt64(Self.maxAnswerHold.nanoseconds) {
            metrics.collect(&processor.counters)
            flushResponses(context: context)
            heldSince = now
        }
    }

    private func process(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        // Closed part-way through a burst (a write that fails closes the channel at once, and
        // the decoder still hands over the frames it holds): no one is left to answer, and a
        // large batch admitted now would hold its reservation against `outputBudget` for good.
        guard context.channel.isActive else { return }
        switch appendingAnswers(context: context, { processor.process(frame: frame, into: &$0) }) {
        case .answered: answered += 1
        case .batchInProgress: scheduleBatchSlice(context: context)
        }
    }

    /// Scores the next slice on a later turn of the event loop, after the I/O that is ready then.
    ///
    /// Not `execute`: NIO runs tasks submitted while it runs tasks in the same turn, so a chain of
    /// them would finish the whole batch before any socket is read. A task due a moment later
    /// sends the loop back to its poll first, which serves the other connections.
    private func scheduleBatchSlice(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: Self.sliceGap) {
            let (handler, context) = loopBound.value
            handler.continueBatch(context: context)
        }
    }

    /// How far ahead the next slice is scheduled: long enough to be in the future when the loop
    /// looks for due tasks, short against a slice's own time (about 0.5 ms in release).
    static let sliceGap = TimeAmount.microseconds(10)

    private func continueBatch(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return processor.abandonBatch() }
        guard processor.hasBatchInProgress else { return }
        guard appendingAnswers(context: context, { processor.continueBatch(into: &$0) }) == .answered else {
            scheduleBatchSlice(context: context)
            return
        }
        answered += 1
        resume(context: context)
    }

    /// Goes on after a batch finished or held answers left: answers the frames that waited,
    /// in order, until one of them starts another long batch; then ends the connection if an
    /// end is pending, or reads again.
    private func resume(context: ChannelHandlerContext) {
        while !processor.hasBatchInProgress, !holdingForJournal, let frame = waiting.popFirst() {
            // A half-close can leave many read bursts waiting: their first answers must not wait
            // for the last, as within one burst.
            flushIfHeldTooLong(context: context)
            process(frame, context: context)
        }
        metrics.collect(&processor.counters)
        flushResponses(context: context)
        guard !isBusy else { return }
        if let end = pendingEnd {
            pendingEnd = nil
            finish(end, context: context)
        } else if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Holds this burst's answers until the journal can be written, trying again every
    /// `journalRetryInterval` while the connection lasts.
    ///
    /// A connection that began closing meanwhile (a fatal framing error, the end of a drain)
    /// closes once the held answers have left, or after `lingerLimit` from when it began closing.
    private func holdForJournal(context: ChannelHandlerContext) {
        guard !holdingForJournal else { return }
        holdingForJournal = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: Self.journalRetryInterval) {
            let (handler, context) = loopBound.value
            handler.holdingForJournal = false
            guard context.channel.isActive else { return }
            // The held answers first: the frames that waited are answered once they have left.
            handler.flushResponses(context: context)
            guard !handler.holdingForJournal else { return }
            if handler.lifecycle == .closing {
                handler.closeOnceWritten(context: context)
            } else {
                handler.resume(context: context)
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        reportOutput(context: context)
        context.fireChannelWritabilityChanged()
    }

    /// Brings `outputBudget` up to date with the bytes this connection has written but its
    /// client has not yet taken.
    ///
    /// While some are buffered, an empty write queued behind them reports again once they have
    /// left (writes complete in order). Only a connection whose client lags pays for that promise.
    private func reportOutput(context: ChannelHandlerContext) {
        guard let outputBudget, context.channel.isActive, let options = context.channel.syncOptions,
            let buffered = try? options.getOption(.bufferedWritableBytes)
        else { return }
        outputBudget.adjust(by: buffered - reportedOutput)
        reportedOutput = buffered
        guard buffered > 0, !watchingOutput else { return }
        watchingOutput = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            let (handler, context) = loopBound.value
            handler.watchingOutput = false
            handler.reportOutput(context: context)
        }
    }

    func read(context: ChannelHandlerContext) {
        // A closing connection reads nothing more: it only waits for its answers to leave.
        guard lifecycle != .closing else { return }
        // Read no more while answers are owed for what was read: `waiting` stays one read burst.
        if isBusy {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Count before answering, so a client that saw its answer also sees it in the metrics.
        metrics.collect(&processor.counters)
        flushResponses(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard lifecycle != .closing else { return }
        if let tooLarge = error as? FrameTooLargeError {
            end(.frameTooLarge(tooLarge), context: context)
        } else if let tls = error as? NIOSSLError, case .uncleanShutdown = tls {
            // A TLS peer that shut its sending side without a close_notify: NIOSSL says so, then
            // sends the input-closed event, which ends the connection once every answer owed is
            // written, as a half-close over plain TCP does.
            return
        } else if pendingEnd != nil, error is ByteToMessageDecoderError {
            // The decoder refusing the bytes that follow the frame it failed on (NIO goes on
            // reading within the same read cycle): that failure's end is already pending behind
            // the batch still being answered, and closing now would lose those answers.
            return
        } else {
            logger.debug("closing connection after error", metadata: ["error": "\(error)"])
            metrics.collect(&processor.counters)
            closeAfterPendingWrites(context: context)
        }
    }

    /// Ends the connection for `reason` now, or once the answers still owed are written.
    private func end(_ reason: End, context: ChannelHandlerContext) {
        // Already ending: one refusal per connection, counted and answered once.
        guard lifecycle != .closing else { return }
        if isBusy {
            if pendingEnd == nil { pendingEnd = reason }
        } else {
            finish(reason, context: context)
        }
    }

    private func finish(_ reason: End, context: ChannelHandlerContext) {
        switch reason {
        case .inputClosed:
            // The client finished sending (half-close): every request has been read and
            // answered; close once the answers are out.
            break
        case .inputCutMidFrame(let received):
            logger.debug("closing connection: the input ended inside a frame", metadata: ["received_bytes": "\(received)"])
            appendingAnswers(context: context) {
                processor.writeConnectionError(
                    .malformed,
                    "the input ended inside a request frame (\(received) bytes of it, length prefix included): that request is not answered",
                    into: &$0)
            }
        case .frameTooLarge(let tooLarge):
            logger.warning(
                "closing connection: frame too large",
                metadata: ["length": "\(tooLarge.length)", "limit": "\(tooLarge.limit)"])
            appendingAnswers(context: context) { processor.writeFrameTooLarge(tooLarge, into: &$0) }
        case .timedOut(let timeout):
            connections.connectionTimedOut(timeout)
            switch timeout {
            case .frameIncomplete:
                logger.debug("closing connection: a frame was not completed in time")
                appendingAnswers(context: context) {
                    processor.writeConnectionError(
                        .deadlineExceeded, "a request frame was not completed within the frame timeout; closing the connection",
                        into: &$0)
                }
            case .idle:
                logger.debug("closing idle connection")
            case .handshakeIncomplete:
                // Nothing to answer, and nothing to wait for: the TLS handler holds writes until
                // a handshake that is not coming.
                logger.debug("closing connection: the TLS handshake was not completed in time")
                lifecycle = .closing
                context.close(promise: nil)
                return
            }
        case .inputBudgetExceeded:
            logger.debug("closing connection: partly received frames exceed --max-buffered-input")
            connections.connectionRefusedForInput()
            appendingAnswers(context: context) {
                processor.writeConnectionError(
                    .overloaded,
                    "the server holds more partly received requests than --max-buffered-input; closing the connection, retry later",
                    into: &$0)
            }
        }
        metrics.collect(&processor.counters)
        closeAfterPendingWrites(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            // Answer whatever is still arriving; close once the client has gone quiet.
            guard lifecycle == .serving else { return }
            lifecycle = .draining(progressAtLastCheck: progress, quietChecks: 0)
            scheduleDrainCheck(context: context)
        case let timeout as ConnectionTimeout:
            end(.timedOut(timeout), context: context)
        case ChannelEvent.inputClosed:
            end(.inputClosed, context: context)
        case let cut as FrameCutAtEndOfInput:
            // Before the input-closed event, which then finds the end already under way. Not
            // when the decoder reports it as the channel goes (closed by the daemon at the end of
            // a drain, or by an error): there is nobody to tell, and no client error to count.
            guard context.channel.isActive else { return }
            end(.inputCutMidFrame(receivedBytes: cut.receivedBytes), context: context)
        case is InputBudgetExceeded:
            end(.inputBudgetExceeded, context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func scheduleDrainCheck(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: Self.drainCheckInterval) {
            let (handler, context) = loopBound.value
            handler.drainCheck(context: context)
        }
    }

    /// Quiet checks in a row after which a draining connection counts as idle: one quiet
    /// interval is not enough on a busy host, where a client's sending thread can go unscheduled
    /// for longer than that between two writes of a pipeline.
    static let drainQuietChecks = 3

    private func drainCheck(context: ChannelHandlerContext) {
        guard case .draining(let before, let quiet) = lifecycle, context.channel.isActive else { return }
        // An unwritable channel has reads paused (`BackPressureHandler`): its client is slow to
        // read its answers, and there may be requests waiting behind them. Not idle.
        let isQuiet = progress == before && context.channel.isWritable && !isBusy && pendingEnd == nil
        if isQuiet && quiet + 1 >= Self.drainQuietChecks {
            closeAfterPendingWrites(context: context)
        } else {
            lifecycle = .draining(progressAtLastCheck: progress, quietChecks: isQuiet ? quiet + 1 : 0)
            scheduleDrainCheck(context: context)
        }
    }

    /// Stops reading, writes what is still buffered, and closes once every write has completed,
    /// or after `lingerLimit` at most (a client that never reads cannot hold the connection).
    ///
    /// Answers held for the journal are written first, when it takes their changes
    /// (`holdForJournal`); closing now would lose answers the client can still read.
    private func closeAfterPendingWrites(context: ChannelHandlerContext) {
        guard lifecycle != .closing else { return }
        lifecycle = .closing
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        linger = context.eventLoop.scheduleTask(in: lingerLimit) {
            loopBound.value.close(promise: nil)
        }
        flushResponses(context: context)
        guard !holdingForJournal else { return }
        closeOnceWritten(context: context)
    }

    /// Closes once every answer written so far has left. Writes complete in order, so an empty
    /// write's completion means all earlier answers have left; closing at once instead would
    /// discard answers still queued behind a full socket.
    private func closeOnceWritten(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            let (handler, context) = loopBound.value
            handler.linger?.cancel()
            context.close(promise: nil)
        }
    }

    /// Runs `append` on the buffer this burst's answers collect in, made on first use; they leave
    /// together in `flushResponses`.
    @inline(__always)
    @discardableResult
    private func appendingAnswers<Result>(context: ChannelHandlerContext, _ append: (inout ByteBuffer) -> Result) -> Result {
        if outbound == nil { outbound = context.channel.allocator.buffer(capacity: 1024) }
        return append(&outbound!)
    }

    /// Writes this burst's answers, once the journal holds the state changes they report
    /// (`--state-dir`): an answer never leaves before its request is durable. While the journal
    /// cannot be written they stay in `outbound` (`holdForJournal`).
    private func flushResponses(context: ChannelHandlerContext) {
        if let buffer = outbound, buffer.readableBytes > 0, !holdingForJournal {
            guard processor.service.commitJournal() else {
                holdForJournal(context: context)
                return
            }
            outbound = nil
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        reportOutput(context: context)
    }
}
