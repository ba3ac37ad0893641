import NIOSSL

/// TLS on the TCP listener: the server's certificate chain and key, and optionally the CA whose
/// client certificates grant the label role (mutual TLS).
///
/// With a client CA, a client may present a certificate: one that does not verify against the CA
/// fails the handshake, one that does takes the label role for its connection, and a client
/// that presents none may still score. Made once at start, so a bad file stops the daemon there.
public struct TLSSettings: Sendable {
    /// The server context every TCP connection's handshake uses.
    public let context: NIOSSLContext
    /// Whether a verified client certificate grants the label role.
    public let clientCertificatesGrantLabelRole: Bool

    /// Loads PEM files: the certificate chain (leaf first), its private key, and the CA bundle
    /// client certificates are verified against (nil: clients are not asked for one).
    public init(certificateChainFile: String, privateKeyFile: String, clientCAFile: String?) throws {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile)
        let key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCAFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCAFile))
            configuration.certificateVerification = .optionalVerification
        }
        self.context = try NIOSSLContext(configuration: configuration)
        self.clientCertificatesGrantLabelRole = clientCAFile != nil
    }
}
