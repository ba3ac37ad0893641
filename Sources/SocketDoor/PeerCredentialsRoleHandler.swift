import NIOCore
import NIOPosix

/// Gives a Unix-socket connection the label role its peer's credentials earn (`LabelPolicy`).
///
/// The kernel's answer (SO_PEERCRED) is immediate, and so is the decision for the daemon's own
/// user or a peer whose primary group is the label group. A supplementary membership needs the
/// user and group databases, which may be remote (LDAP, sssd) and slow: that lookup runs on
/// NIO's blocking thread pool, never on the event loop, and the connection reads nothing until
/// it is settled, so no label arrives ahead of its role.
final class PeerCredentialsRoleHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let processor: FrameProcessor
    private let policy: LabelPolicy
    private let lookups: NIOThreadPool
    /// True while the group lookup runs; reads asked for meanwhile wait in `readHeld`.
    private var settling = false
    private var readHeld = false

    init(processor: FrameProcessor, policy: LabelPolicy, lookups: NIOThreadPool = .singleton) {
        self.processor = processor
        self.policy = policy
        self.lookups = lookups
    }

    func channelActive(context: ChannelHandlerContext) {
        // Already complete on the event loop: the kernel's answer needs no wait.
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        PeerCredentials.of(context.channel).whenSuccess { peer in
            let (handler, context) = loopBound.value
            handler.settle(peer, context: context)
        }
        context.fireChannelActive()
    }

    private func settle(_ peer: PeerCredentials?, context: ChannelHandlerContext) {
        guard let peer else {
            processor.mayLabel = false
            return
        }
        if let decided = policy.immediateDecision(peer) {
            processor.mayLabel = decided
            return
        }
        settling = true
        let policy = self.policy
        let channel = context.channel
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        // A connection gone by the time the lookup's turn comes costs no lookup.
        lookups.runIfActive(eventLoop: context.eventLoop) { channel.isActive && policy.mayLabel(peer) }.whenComplete { result in
            let (handler, context) = loopBound.value
            handler.processor.mayLabel = (try? result.get()) ?? false
            handler.settling = false
            if handler.readHeld {
                handler.readHeld = false
                context.read()
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        if settling {
            readHeld = true
        } else {
            context.read()
        }
    }
}
