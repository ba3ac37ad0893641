import NIOCore

/// Closes an HTTP connection whose next request does not arrive whole in time.
///
/// An idle keep-alive connection, a client trickling its headers one byte at a time and one
/// whose head announces a body it sends slowly or never all hold a descriptor and a parser
/// buffer for as long as they like. The deadline is armed when the connection opens and again
/// when a response has been written, and disarmed once a request has been parsed to its end, so
/// one bound covers all three; a response that takes long (a live stream) is not under it.
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
        if isRequestEnd(unwrapInboundIn(data)) { disarm() }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if isResponseEnd(unwrapOutboundIn(data)) { arm(context: context) }
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
