import StreamifyWire

/// Where a scoring daemon listens.
public enum ScoringTarget: Sendable, Hashable, CustomStringConvertible {
    /// A Unix domain socket at `path`.
    case unix(path: String)
    /// A TCP listener.
    case tcp(host: String, port: Int)

    /// Parses `unix:PATH` (also `unix://PATH`) or `tcp://HOST:PORT` (IPv6 hosts in brackets: `tcp://[::1]:7000`).
    ///
    /// - Throws: `ScoringClientError.invalidTarget` for anything else.
    public init(parsing text: String) throws(ScoringClientError) {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard !path.isEmpty else { throw .invalidTarget(text, reason: "empty socket path") }
            self = .unix(path: path)
        } else if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { throw .invalidTarget(text, reason: "empty socket path") }
            self = .unix(path: path)
        } else if text.hasPrefix("tcp://") {
            guard let address = HostAndPort(parsing: String(text.dropFirst("tcp://".count)), defaultHost: nil, ports: 1...65535)
            else {
                throw .invalidTarget(text, reason: "expected tcp://HOST:PORT with a host and a port of 1...65535")
            }
            self = .tcp(host: address.host, port: address.port)
        } else {
            throw .invalidTarget(text, reason: "expected unix:PATH or tcp://HOST:PORT")
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): "tcp://\(HostAndPort(host: host, port: port))"
        }
    }
}
