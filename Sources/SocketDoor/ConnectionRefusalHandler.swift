import NIOCore
import StreamifyWire

/// The whole pipeline of a connection accepted over the connection limit: it answers one
/// `OVERLOADED` error frame (request id 0, as for any refusal not tied to a request), then
/// closes once that has been written. Nothing the client sends is read.
final class ConnectionRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let answer: ByteBuffer

    /// A handler that tells the client the server already has `limit` connections open.
    init(limit: Int, allocator: ByteBufferAllocator) {
        let error = WireError(
            code: .overloaded,
            message: "connection limit reached: the server has \(limit) connections open (--max-connections); retry later")
        var buffer = allocator.buffer(capacity: 128)
        buffer.writeFrame(WireCodec.encode(Response(requestID: 0, body: .error(error))))
        self.answer = buffer
    }

    func channelActive(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
