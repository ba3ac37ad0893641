import CProtobufC
import CStreamifyProto
import NIOCore
import StreamifyWire

#if canImport(Glibc)
import Glibc
#endif

/// Matches response frames to waiting requests, first in first out.
///
/// Sits after `ByteToMessageHandler(FrameDecoder())`, so each read is one response body. Requests
/// are registered with `enqueue(_:)` right before their frame is written, on the event loop, so
/// the queue order is the wire order. When the connection closes, every waiting request fails
/// with `ScoringClientError.connectionClosed`.
final class ResponseRouter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var pending = CircularBuffer<PendingResponse>(initialCapacity: 64)
    private let arena = MessageArena(capacity: 16 * 1024)
    private var isClosed = false

    /// Requests written and not yet answered.
    var pendingCount: Int { pending.count }

    /// Registers a request about to be written.
    ///
    /// - Returns: `false` (after failing the request) when the connection is already closed;
    ///   the caller must then not write the frame.
    func enqueue(_ response: PendingResponse) -> Bool {
        if isClosed {
            response.fail(ScoringClientError.connectionClosed)
            return false
        }
        pending.append(response)
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let waiting = pending.popFirst() else {
            context.fireErrorCaught(ScoringClientError.unsolicitedResponse)
            context.close(promise: nil)
            return
        }
        frame.withUnsafeReadableBytes { bytes in
            defer { arena.reset() }
            guard let decoded = Response.unpack(bytes, into: arena) else {
                waiting.fail(ScoringClientError.malformedResponse)
                return
            }
            switch waiting {
            case .full(let promise): promise.succeed(Response(protobufC: decoded))
            case .summary(let promise): promise.succeed(ResponseSummary(protobufC: decoded))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(ScoringClientError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A framing error (frame too large) or an I/O error: nothing after it can be trusted.
        // A reset is the server closing with requests unread: to the caller, a closed connection.
        if let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE {
            failAll(ScoringClientError.connectionClosed)
        } else {
            failAll(error)
        }
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        isClosed = true
        while let waiting = pending.popFirst() {
            waiting.fail(error)
        }
    }
}
