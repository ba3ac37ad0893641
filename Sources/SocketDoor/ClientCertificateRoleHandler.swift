import NIOCore
import NIOSSL
import NIOTLS

/// Gives a TLS connection the label role once its handshake has verified a client certificate
/// against `--tls-client-ca` (`TLSSettings`). Sits right after the `NIOSSLServerHandler`: the
/// handshake completes before any request can be read, so no label arrives ahead of the role.
final class ClientCertificateRoleHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let processor: FrameProcessor

    init(processor: FrameProcessor) {
        self.processor = processor
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event,
            (try? context.pipeline.syncOperations.nioSSL_peerCertificate()) != nil
        {
            processor.mayLabel = true
        }
        context.fireUserInboundEventTriggered(event)
    }
}
