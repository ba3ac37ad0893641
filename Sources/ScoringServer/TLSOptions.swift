import SocketDoor
import StreamifyWire

/// Turns `--tls-cert`, `--tls-key`, `--tls-client-ca` and `--allow-insecure-tcp` into the socket
/// door's `TLSSettings`, and refuses a TCP listener beyond loopback without TLS unless asked.
enum TLSOptions {
    static func settings(
        certificate: String?, key: String?, clientCA: String?, tcp: HostAndPort?, allowInsecure: Bool
    ) throws -> TLSSettings? {
        guard let certificate, let key else {
            if certificate != nil || key != nil {
                throw ServerOptions.InvalidOption(description: "--tls-cert and --tls-key go together")
            }
            if clientCA != nil {
                throw ServerOptions.InvalidOption(description: "--tls-client-ca needs --tls-cert and --tls-key")
            }
            if let tcp, !tcp.isLoopback, !allowInsecure {
                throw ServerOptions.InvalidOption(
                    description: "--tcp \(tcp.host):\(tcp.port) is beyond loopback: give --tls-cert and --tls-key, or --allow-insecure-tcp to send scores and tokens in clear text")
            }
            return nil
        }
        do {
            return try TLSSettings(certificateChainFile: certificate, privateKeyFile: key, clientCAFile: clientCA)
        } catch {
            throw ServerOptions.InvalidOption(description: "TLS files (--tls-cert, --tls-key, --tls-client-ca): \(error)")
        }
    }
}
