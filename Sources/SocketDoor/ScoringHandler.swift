import Logging
import ScoringEngine
import NIOCore
import StreamifyWire

/// Answers request frames on one connection: one response frame per request, in order.
///
/// Every frame of a read burst is scored synchronously in `channelRead` and its response
/// appended to one outbound buffer, which is written and flushed once in
/// `channelReadComplete`: pipelined requests leave in a single gathering write.
///
/// Nothing received is dropped on the way out. A half-close, the end of a graceful drain and a
/// fatal framing error all close only after everything already answered has left the socket
/// (`Lifecycle.closing`), so no answer is cut mid-frame; a reader paused by backpressure is
/// waiting for its answers, not idle.
final class ScoringHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let processor: FrameProcessor
    private let metrics: ScoringMetrics
    private let connections: ConnectionMetrics
    private let logger: Logger
    private var outbound: ByteBuffer?
    private var lifecycle = Lifecycle.serving

    private enum Lifecycle: Equatable {
        /// Reading and answering.
        case serving
        /// The server is shutting down: still answering; close once a check finds no new request
        /// since the last one while the connection could take more output.
        case draining(requestsAtLastCheck: Int)
        /// Reading no more; the connection closes once every answer written so far has gone.
        case closing
    }

    /// Requests answered on this connection.
    private var answered = 0
    /// How often a draining connection is checked for idleness.
    static let drainCheckInterval = TimeAmount.milliseconds(100)
    /// Longest wait for answers to leave once the connection is closing.
    private let lingerLimit: TimeAmount

    /// Who may label, checked against the peer's credentials when it connects; nil over TCP,
    /// whose peers are anonymous (they may only take the role with the token).
    private let peerPolicy: LabelPolicy?

    init(
        processor: FrameProcessor, metrics: ScoringMetrics, connections: ConnectionMetrics, logger: Logger,
        peerPolicy: LabelPolicy?, lingerLimit: TimeAmount = .seconds(30)
    ) {
        self.peerPolicy = peerPolicy
        self.lingerLimit = lingerLimit
        self.processor = processor
        self.metrics = metrics
        self.connections = connections
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        connections.connectionOpened()
        if let peerPolicy {
            // Already complete on the event loop: the role is settled before the first read.
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            PeerCredentials.of(context.channel).whenSuccess { peer in
                loopBound.value.processor.mayLabel = peer.map { peerPolicy.mayLabel($0) } ?? false
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.collect(&processor.counters)
        connections.connectionClosed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard lifecycle != .closing else { return }
        let frame = unwrapInboundIn(data)
        if outbound == nil { outbound = context.channel.allocator.buffer(capacity: 1024) }
        processor.process(frame: frame, into: &outbound!)
        answered += 1
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
            logger.warning(
                "closing connection: frame too large",
                metadata: ["length": "\(tooLarge.length)", "limit": "\(tooLarge.limit)"])
            if outbound == nil { outbound = context.channel.allocator.buffer(capacity: 128) }
            processor.writeFrameTooLarge(tooLarge, into: &outbound!)
        } else {
            logger.debug("closing connection after error", metadata: ["error": "\(error)"])
        }
        metrics.collect(&processor.counters)
        closeAfterPendingWrites(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            // Answer whatever is still arriving; close once the client has gone quiet.
            guard lifecycle == .serving else { return }
            lifecycle = .draining(requestsAtLastCheck: answered)
            scheduleDrainCheck(context: context)
        case let timeout as ConnectionTimeout:
            connections.connectionTimedOut(timeout)
            if outbound == nil { outbound = context.channel.allocator.buffer(capacity: 128) }
            switch timeout {
            case .frameIncomplete:
                logger.debug("closing connection: a frame was not completed in time")
                processor.writeConnectionError(
                    .deadlineExceeded, "a request frame was not completed within the frame timeout; closing the connection",
                    into: &outbound!)
            case .idle:
                logger.debug("closing idle connection")
            }
            metrics.collect(&processor.counters)
            closeAfterPendingWrites(context: context)
        case ChannelEvent.inputClosed:
            // The client finished sending (half-close): every request has been read and
            // answered; close once the answers are out.
            metrics.collect(&processor.counters)
            closeAfterPendingWrites(context: context)
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

    private func drainCheck(context: ChannelHandlerContext) {
        guard case .draining(let before) = lifecycle, context.channel.isActive else { return }
        // An unwritable channel has reads paused (`BackPressureHandler`): its client is slow to
        // read its answers, and there may be requests waiting behind them. Not idle.
        if answered == before, context.channel.isWritable {
            closeAfterPendingWrites(context: context)
        } else {
            lifecycle = .draining(requestsAtLastCheck: answered)
            scheduleDrainCheck(context: context)
        }
    }

    /// Stops reading, writes what is still buffered, and closes once every write has completed,
    /// or after `lingerLimit` at most (a client that never reads cannot hold the connection).
    ///
    /// Writes complete in order, so an empty write's completion means all earlier answers have
    /// left. Closing at once instead would discard answers still queued behind a full socket.
    private func closeAfterPendingWrites(context: ChannelHandlerContext) {
        guard lifecycle != .closing else { return }
        lifecycle = .closing
        flushResponses(context: context)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let linger = context.eventLoop.scheduleTask(in: lingerLimit) {
            loopBound.value.close(promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            linger.cancel()
            loopBound.value.close(promise: nil)
        }
    }

    private func flushResponses(context: ChannelHandlerContext) {
        if let buffer = outbound, buffer.readableBytes > 0 {
            outbound = nil
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }
}
