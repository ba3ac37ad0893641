import NIOCore
import NIOSSL

/// TLS for a client's TCP connection: which daemon certificates to trust, and the client
/// certificate to present, which a daemon started with `--tls-client-ca` takes as the label role.
public struct ScoringClientTLS: Sendable {
    /// The client context every connection's handshake uses.
    public let context: NIOSSLContext
    /// The name the daemon's certificate must carry; nil: the host connected to.
    public let hostname: String?

    /// Loads PEM files: the CA bundle the daemon's certificate must chain to (nil: the system's
    /// roots), and the client certificate chain and key to present (both or neither).
    public init(
        trustRootsFile: String?, certificateFile: String? = nil, keyFile: String? = nil, hostname: String? = nil
    ) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let trustRootsFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRootsFile))
        }
        switch (certificateFile, keyFile) {
        case (let certificateFile?, let keyFile?):
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        case (nil, nil):
            break
        default:
            throw ScoringClientError.invalidTLS("a client certificate and its key go together")
        }
        self.context = try NIOSSLContext(configuration: configuration)
        self.hostname = hostname
    }

    /// The name sent (SNI) and checked against the daemon's certificate when connecting to `host`:
    /// none for an IP address, whose certificate is checked against the address itself.
    func serverHostname(for host: String) -> String? {
        if let hostname { return hostname }
        return (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}
