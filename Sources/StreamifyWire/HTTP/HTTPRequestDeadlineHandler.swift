import NIOCore

/// Closes an HTTP connection whose next request does not arrive whole in time.
///
/// An idle keep-alive connection, a client trickling its headers one byte at a time and one
/// whose head announces a body it sends slowly or never all hold a descriptor and a parser
/// buffer for as long as they like. So the deadline runs whenever the server waits on the peer:
/// from the connection's start, and from each response's end, until a request has arrived
/// whole. While a request has arrived whole and its answer has not ended (a live stream, a
/// label waiting for the journal, requests pipelined behind it) the wait is the server's and
/// the deadline is off. Requests and answers are counted apart: a server that answers before a
/// request's body has ended (a 413, a 404) leaves that request under the deadline until its end,
/// and the next one from then on.
///
/// Generic over the HTTP parts of the pipeline it sits in, after the request decoder: NIOHTTP1's
/// on the metrics endpoint, HTTP types' behind Hummingbird on the dashboard.
public final class HTTPRequestDeadlineHandler<RequestPart, ResponsePart>: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = RequestPart
    public typealias InboundOut = RequestPart
    public typealias OutboundIn = ResponsePart
    public typealias OutboundOut = ResponsePart

    private let timeout: TimeAmount
    private let isRequestEnd: (RequestPart) -> Bool
    private let isResponseEnd: (ResponsePart) -> Bool
    private let onTimeout: @Sendable () -> Void
    private var deadline: Scheduled<Void>?
    /// Requests arrived whole less responses ended: above 0, answers are owed; 0 or below, the
    /// server waits on the peer (below 0: a request answered before its end).
    private var owed = 0

    /// Closes the connection when no whole request arrives within `timeout`, after calling
    /// `onTimeout`; `isRequestEnd` and `isResponseEnd` tell the parts that end a message.
    public init(
        timeout: TimeAmount, isRequestEnd: @escaping (RequestPart) -> Bool, isResponseEnd: @escaping (ResponsePart) -> Bool,
        onTimeout: @escaping @Sendable () -> Void
    ) {
        self.timeout = timeout
        self.isRequestEnd = isRequestEnd
        self.isResponseEnd = isResponseEnd
        self.onTimeout = onTimeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if isRequestEnd(unwrapInboundIn(data)) {
            owed += 1
            // Answered already: the next request is awaited from now.
            if owed <= 0 { arm(context: context) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if isResponseEnd(unwrapOutboundIn(data)) {
            owed -= 1
            if owed <= 0 { arm(context: context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(context: ChannelHandlerContext) {
        disarm()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let onTimeout = self.onTimeout
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            onTimeout()
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
