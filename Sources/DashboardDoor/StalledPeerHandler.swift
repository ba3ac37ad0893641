import Metrics
import NIOCore
import Synchronization

/// Closes an HTTP connection whose peer has stopped taking the bytes written to it.
///
/// A response body written to a peer that reads nothing fills the socket's buffers, then the
/// channel turns unwritable and the handler's write waits, for as long as the peer likes: a live
/// stream (`/api/stream`) would hold its slot for good and hold up the door's shutdown, and
/// with it the drain of every door stopped after this one. So once the channel has stayed
/// unwritable for `limit` (`--http-idle-timeout`: nothing read for that long is idle), or at all
/// once the door is stopping, the connection is closed and the waiting write fails. Checked once
/// a second while the channel is unwritable; nothing runs while it is writable.
final class StalledPeerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// The door's stalled connections: `streamify_http_stalled_connections` (unwritable now) and
    /// `streamify_http_stalled_closed_total` (closed for it).
    final class Tally: Sendable {
        private let current = Atomic<Int>(0)
        private let stallsSoFar = Atomic<Int>(0)
        private let closedSoFar = Atomic<Int>(0)
        private let gauge = Meter(label: "streamify_http_stalled_connections")
        private let closed = Counter(label: "streamify_http_stalled_closed_total")

        /// Connections unwritable now.
        var now: Int { current.load(ordering: .relaxed) }
        /// Stalls since the door started.
        var stalls: Int { stallsSoFar.load(ordering: .relaxed) }
        /// Connections closed for a stall since the door started.
        var closedCount: Int { closedSoFar.load(ordering: .relaxed) }

        fileprivate func began() {
            current.add(1, ordering: .relaxed)
            stallsSoFar.add(1, ordering: .relaxed)
            gauge.increment()
        }

        fileprivate func ended() {
            current.subtract(1, ordering: .relaxed)
            gauge.decrement()
        }

        fileprivate func closedOne() {
            closedSoFar.add(1, ordering: .relaxed)
            closed.increment()
        }
    }

    private let limit: TimeAmount
    private let isStopping: @Sendable () -> Bool
    private let tally: Tally
    private var stalledSince: NIODeadline?
    private var check: Scheduled<Void>?

    /// Closes a connection unwritable for `limit`, or unwritable while `isStopping()`, counting
    /// stalls in `tally`.
    init(limit: TimeAmount, isStopping: @escaping @Sendable () -> Bool, tally: Tally) {
        self.limit = limit
        self.isStopping = isStopping
        self.tally = tally
    }

    /// How often an unwritable channel is looked at again.
    static let checkInterval = TimeAmount.seconds(1)

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stop()
        } else if stalledSince == nil {
            stalledSince = .now()
            tally.began()
            schedule(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    private func schedule(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(in: min(Self.checkInterval, limit)) {
            let (handler, context) = loopBound.value
            handler.checkStall(context: context)
        }
    }

    private func checkStall(context: ChannelHandlerContext) {
        guard let since = stalledSince, !context.channel.isWritable else { return stop() }
        if NIODeadline.now() - since >= limit || isStopping() {
            stop()
            tally.closedOne()
            context.close(promise: nil)
        } else {
            schedule(context: context)
        }
    }

    private func stop() {
        check?.cancel()
        check = nil
        if stalledSince != nil { tally.ended() }
        stalledSince = nil
    }
}
