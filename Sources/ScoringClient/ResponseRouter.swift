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
///
/// With a `responseTimeout`, a request that waits longer for its answer fails every waiting
/// request with `ScoringClientError.responseTimedOut` and closes the connection: answers come in
/// order, so one that never comes holds up all behind it. One timer per connection, re-armed
/// for the oldest request, not one per request.
final class ResponseRouter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var pending = CircularBuffer<PendingResponse>(initialCapacity: 64)
    /// When each waiting request is overdue, in the same order (only with a timeout).
    private var overdueAt = CircularBuffer<NIODeadline>(initialCapacity: 64)
    private let arena = MessageArena(capacity: 16 * 1024)
    private var isClosed = false
    private let responseTimeout: TimeAmount?
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(responseTimeout: TimeAmount? = nil) {
        self.responseTimeout = responseTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

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
        if let responseTimeout {
            overdueAt.append(.now() + responseTimeout)
            if timer == nil { armTimer() }
        }
        return true
    }

    /// Checks the oldest waiting request when it would be overdue.
    private func armTimer() {
        guard let context, let deadline = overdueAt.first else {
            timer = nil
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let router = loopBound.value
            router.timer = nil
            guard let first = router.overdueAt.first else { return }
            if first <= .now() {
                router.failAll(ScoringClientError.responseTimedOut)
                router.context?.close(promise: nil)
            } else {
                router.armTimer()
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if responseTimeout != nil { _ = overdueAt.popFirst() }
        guard let waiting = pending.popFirst() else {
            context.fireErrorCaught(ScoringClientError.unsolicitedResponse)
            context.close(promise: nil)
            return
        }
        frame.withUnsafeReadableBytes { bytes in
            switch waiting {
            case .full(let promise):
                defer { arena.reset() }
                guard let decoded = Response.unpack(bytes, into: arena) else {
                    return promise.fail(ScoringClientError.malformedResponse)
                }
                promise.succeed(Response(protobufC: decoded))
            case .summary(let promise):
                promise.completeWith(Self.summary(of: bytes))
            case .receiver(let receiver):
                receiver.receive(Self.summary(of: bytes))
            }
        }
    }

    /// A response's summary, read from its wire bytes (it needs none of what a full decode
    /// builds), or `malformedResponse`.
    private static func summary(of bytes: UnsafeRawBufferPointer) -> Result<ResponseSummary, any Error> {
        guard let summary = ResponseSummary(wire: bytes) else { return .failure(ScoringClientError.malformedResponse) }
        return .success(summary)
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
        timer?.cancel()
        timer = nil
        overdueAt.removeAll()
        while let waiting = pending.popFirst() {
            waiting.fail(error)
        }
    }
}
