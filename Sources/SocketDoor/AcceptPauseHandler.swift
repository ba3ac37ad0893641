import CoreMetrics
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A listener's first handler: when accept(2) fails for want of descriptors or memory, it stops
/// accepting for `pause`, then tries again, instead of retrying in a loop that spins a core.
///
/// NIO's `AcceptBackoffHandler` cannot do this on Linux. A failed accept leaves the server
/// channel's read pending, so no new `read()` ever reaches that handler to delay, and the
/// listener, still registered with level-triggered epoll, wakes the loop again at once:
/// thousands of failing accept(2) calls a second. Turning `autoRead` off unregisters the
/// listener; turning it back on registers it again. Connections that arrive meanwhile wait in
/// the listen backlog.
final class AcceptPauseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    /// How long a listener stops accepting after accept(2) failed for want of resources.
    static let pause = TimeAmount.milliseconds(250)

    private let listener: String
    private let logger: Logger
    private let pauses: Counter
    private var resume: Scheduled<Void>?
    /// Pauses since the last accepted connection.
    private var pausesInARow = 0

    /// `listener` names the socket in logs and in `streamify_accept_pauses_total{listener}`.
    init(listener: String, logger: Logger) {
        self.listener = listener
        self.logger = logger
        self.pauses = Counter(label: "streamify_accept_pauses_total", dimensions: [("listener", listener)])
    }

    /// The errors a listener outlives: the process or the system is out of descriptors, or the
    /// kernel out of buffers. Any other accept error closes the listener, as NIO does.
    static func isResourceShortage(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        switch error.errnoCode {
        case EMFILE, ENFILE, ENOBUFS, ENOMEM: return true
        default: return false
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if pausesInARow > 0 {
            logger.info(
                "accepting connections again",
                metadata: ["listener": "\(listener)", "pauses": "\(pausesInARow)"])
            pausesInARow = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard Self.isResourceShortage(error) else {
            context.fireErrorCaught(error)
            return
        }
        guard resume == nil, let options = context.channel.syncOptions else { return }
        do {
            try options.setOption(.autoRead, value: false)
        } catch {
            return  // The listener is closing.
        }
        pauses.increment()
        pausesInARow += 1
        if pausesInARow == 1 {
            logger.warning(
                "accept(2) fails for want of resources: pausing accepts until it succeeds; clients wait in the listen backlog",
                metadata: ["listener": "\(listener)", "error": "\(error)", "pause_ms": "\(Self.pause.nanoseconds / 1_000_000)"])
        }
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        resume = context.eventLoop.assumeIsolated().scheduleTask(in: Self.pause) {
            self.resume = nil
            try? loopBoundContext.value.channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guard let scheduled = resume else { return }
        scheduled.cancel()
        resume = nil
        try? context.channel.syncOptions?.setOption(.autoRead, value: true)
    }
}
