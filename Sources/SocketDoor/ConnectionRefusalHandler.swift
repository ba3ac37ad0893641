import NIOCore
import StreamifyWire

/// The whole pipeline of a connection accepted over a connection limit: it answers one
/// `OVERLOADED` error frame (request id 0, as for any refusal not tied to a request), then
/// closes once that has been written. Nothing the client sends is read.
final class ConnectionRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let answer: ByteBuffer

    /// Which connection limit a refused connection found full.
    enum Limit: Sendable {
        /// `--max-connections`: scoring connections, Unix socket and TCP together.
        case all
        /// `--tcp-max-connections`: TCP's share of them.
        case tcp

        /// The flag that sets it.
        var flag: String {
            switch self {
            case .all: "--max-connections"
            case .tcp: "--tcp-max-connections"
            }
        }

        /// What it counts, as the refusal names it.
        var connections: String {
            switch self {
            case .all: "connections"
            case .tcp: "TCP connections"
            }
        }
    }

    /// A handler that tells the client the server already has `count` connections open, the
    /// most `limit` allows.
    init(count: Int, limit: Limit, allocator: ByteBufferAllocator) {
        let error = WireError(
            code: .overloaded,
            message: "connection limit reached: the server has \(count) \(limit.connections) open (\(limit.flag)); retry later")
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
