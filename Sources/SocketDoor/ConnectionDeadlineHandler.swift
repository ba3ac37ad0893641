import NIOCore
import NIOTLS

/// What `ConnectionDeadlineHandler` tells the handlers after it when a partly received frame
/// pushes the bytes held across connections past `--max-buffered-input`.
struct InputBudgetExceeded: Sendable {}

/// What `ConnectionDeadlineHandler` tells the handlers after it when a connection overstays.
enum ConnectionTimeout: Sendable, Equatable {
    /// Nothing arrived for the idle timeout, between frames or while the client's answers
    /// went unread.
    case idle
    /// A frame was started and not completed within the frame timeout (a trickle, or a client
    /// parked one byte short).
    case frameIncomplete
    /// The TLS handshake was not completed within the frame timeout from the connection's start
    /// (a client that never began it, or stalled inside it).
    case handshakeIncomplete
}

/// Times a connection's input: closes the door on silent connections and on frames that never
/// finish, which would otherwise hold a file descriptor and up to a frame's worth of buffer
/// each, for ever.
///
/// Sits before the other connection handlers and passes every byte on untouched. It notes when a frame was
/// started (`FrameBoundaryTracker`) and when anything last arrived; a timer checks both and
/// fires a `ConnectionTimeout` user event, which the scoring handler answers and closes on.
/// The clock is read once per read, never per request.
///
/// The frame clock stops while the daemon itself holds reads back (the handlers after this one
/// stop passing `read` while a client's answers are unread): a frame cannot finish then. A check
/// that finds reads held restarts it, so a slow reader that pipelines is never closed as a
/// trickle. The idle clock runs on: a client that neither sends nor reads for the idle timeout
/// is closed, whether or not it left a frame unfinished.
///
/// Over TLS it sits after the TLS handler, which passes nothing on until its handshake is done:
/// the handshake is timed as a frame, from the connection's start to `handshakeCompleted`, so a
/// client cannot hold a connection for the idle timeout by never finishing it.
final class ConnectionDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Never

    /// Timeouts; `nil` turns one off.
    struct Timeouts: Sendable {
        /// Longest silence between frames.
        var idle: TimeAmount?
        /// Longest time from a frame's first byte to its last.
        var frame: TimeAmount?

        /// How often to check: often enough to close within about a quarter of the shorter
        /// timeout, never more than once every 10 ms nor less than once a second.
        var checkInterval: TimeAmount? {
            let shortest = [idle, frame].compactMap { $0 }.min()
            return shortest.map { .nanoseconds(max(10_000_000, min(1_000_000_000, $0.nanoseconds / 4))) }
        }
    }

    private let timeouts: Timeouts
    /// Partly received frames across connections; nil: not counted.
    private let inputBudget: ByteBudget?
    /// This connection's share of `inputBudget`, as last added.
    private var reportedHeld = 0
    private var tracker: FrameBoundaryTracker
    private var lastInput = NIODeadline.now()
    private var frameStarted: NIODeadline?
    /// Whether a TLS handshake is timed (the connection is TLS), and from when, until it completes.
    private var handshakeStarted: NIODeadline?
    private let timesHandshake: Bool
    private var check: Scheduled<Void>?
    /// Whether a `read` has passed through since the last read burst ended: the daemon wants input.
    private var reading = true

    /// Counts the bytes received, for the handlers after the frame decoder; nil: not counted.
    private let activity: InputActivity?

    /// `timesHandshake`: the connection is TLS, and its handshake is timed by `timeouts.frame`.
    init(
        timeouts: Timeouts, maximumFrameLength: Int, inputBudget: ByteBudget? = nil, timesHandshake: Bool = false,
        activity: InputActivity? = nil
    ) {
        self.timeouts = timeouts
        self.timesHandshake = timesHandshake
        self.activity = activity
        self.tracker = FrameBoundaryTracker(maximumFrameLength: maximumFrameLength)
        self.inputBudget = inputBudget
    }

    func channelActive(context: ChannelHandlerContext) {
        lastInput = .now()
        if timesHandshake { handshakeStarted = lastInput }
        scheduleCheck(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        inputBudget?.adjust(by: -reportedHeld)
        reportedHeld = 0
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        lastInput = now
        let completedBefore = tracker.framesCompleted
        let bytes = unwrapInboundIn(data)
        activity?.bytesReceived &+= bytes.readableBytes
        tracker.advance(over: bytes)
        if tracker.isMidFrame {
            // A frame started in this read when none was pending or the pending one finished:
            // a pipelining client whose every read ends mid-frame is timed per frame, not per stream.
            if frameStarted == nil || tracker.framesCompleted != completedBefore { frameStarted = now }
        } else {
            frameStarted = nil
        }
        context.fireChannelRead(data)
        // Unless that closed the connection (a failed write closes it at once): `channelInactive`
        // has given its bytes back already, and they would be held again for good.
        if let inputBudget, context.channel.isActive {
            let held = tracker.heldBytes
            inputBudget.adjust(by: held - reportedHeld)
            reportedHeld = held
            // The connection whose partial frame takes the sum past the limit is the one refused.
            if held > 0, inputBudget.isExhausted {
                context.fireUserInboundEventTriggered(InputBudgetExceeded())
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { handshakeStarted = nil }
        context.fireUserInboundEventTriggered(event)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        reading = true
        context.read()
    }

    private func scheduleCheck(context: ChannelHandlerContext) {
        guard let interval = timeouts.checkInterval else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(in: interval) {
            let (handler, context) = loopBound.value
            handler.checkDeadlines(context: context)
        }
    }

    private func checkDeadlines(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let now = NIODeadline.now()
        // Reads held back: the frame cannot finish, so its clock starts again from now.
        if !reading, frameStarted != nil { frameStarted = now }
        if let limit = timeouts.frame, let started = handshakeStarted, now - started >= limit {
            context.fireUserInboundEventTriggered(ConnectionTimeout.handshakeIncomplete)
            return
        }
        if let limit = timeouts.frame, let started = frameStarted, now - started >= limit {
            context.fireUserInboundEventTriggered(ConnectionTimeout.frameIncomplete)
            return
        }
        // Mid-frame the frame clock is the one that applies, unless it is off: then a connection
        // parked inside a frame is silent like any other, and must not hold its slot for ever.
        if let limit = timeouts.idle, frameStarted == nil || !reading || timeouts.frame == nil, now - lastInput >= limit {
            context.fireUserInboundEventTriggered(ConnectionTimeout.idle)
            return
        }
        scheduleCheck(context: context)
    }
}
