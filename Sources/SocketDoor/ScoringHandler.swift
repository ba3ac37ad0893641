import Logging
import ScoringEngine
import NIOCore
import StreamifyWire

/// Answers request frames on one connection: one response frame per request, in order.
///
/// Every frame of a read burst is scored synchronously in `channelRead` and its response
/// appended to one outbound buffer, which is written and flushed once in
/// `channelReadComplete`: pipelined requests leave in a single gathering write.
final class ScoringHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let processor: FrameProcessor
    private let metrics: ScoringMetrics
    private let connections: ConnectionMetrics
    private let logger: Logger
    private var outbound: ByteBuffer?
    private var closing = false
    private var quiesce = QuiesceState.serving

    private enum QuiesceState {
        case serving
        /// Shutting down: close once a check finds no new request since the last one.
        case draining(requestsAtLastCheck: Int)
    }

    /// Requests answered on this connection.
    private var answered = 0
    /// How often a draining connection is checked for idleness.
    static let drainCheckInterval = TimeAmount.milliseconds(100)

    init(processor: FrameProcessor, metrics: ScoringMetrics, connections: ConnectionMetrics, logger: Logger) {
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
        metrics.collect(&processor.counters)
        connections.connectionClosed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
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
        guard !closing else { return }
        closing = true
        if let tooLarge = error as? FrameTooLargeError {
            logger.warning(
                "closing connection: frame too large",
                metadata: ["length": "\(tooLarge.length)", "limit": "\(tooLarge.limit)"])
            if outbound == nil { outbound = context.channel.allocator.buffer(capacity: 128) }
            processor.writeFrameTooLarge(tooLarge, into: &outbound!)
        } else {
            logger.debug("closing connection after error", metadata: ["error": "\(error)"])
        }
        flushResponses(context: context)
        metrics.collect(&processor.counters)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            // Answer whatever is still arriving; close once the client has gone quiet.
            quiesce = .draining(requestsAtLastCheck: answered)
            scheduleDrainCheck(context: context)
        case ChannelEvent.inputClosed:
            // The client finished sending (half-close): everything received is answered, so go.
            flushResponses(context: context)
            context.close(promise: nil)
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
        guard case .draining(let before) = quiesce, context.channel.isActive else { return }
        if answered == before {
            flushResponses(context: context)
            context.close(promise: nil)
        } else {
            quiesce = .draining(requestsAtLastCheck: answered)
            scheduleDrainCheck(context: context)
        }
    }

    private func flushResponses(context: ChannelHandlerContext) {
        if let buffer = outbound, buffer.readableBytes > 0 {
            outbound = nil
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }
}
