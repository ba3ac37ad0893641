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
            let hostPort = text.dropFirst("tcp://".count)
            guard let colon = hostPort.lastIndex(of: ":") else {
                throw .invalidTarget(text, reason: "expected tcp://HOST:PORT")
            }
            var host = String(hostPort[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") {
                host = String(host.dropFirst().dropLast())
            }
            guard !host.isEmpty else { throw .invalidTarget(text, reason: "empty host") }
            guard let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port) else {
                throw .invalidTarget(text, reason: "port must be 1...65535")
            }
            self = .tcp(host: host, port: port)
        } else {
            throw .invalidTarget(text, reason: "expected unix:PATH or tcp://HOST:PORT")
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }
}
