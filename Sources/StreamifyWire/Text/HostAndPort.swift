/// A `HOST:PORT` pair (IPv6 hosts in brackets: `[::1]:7411`): the one endpoint parser that the
/// server's listeners, the client's targets and the tools share.
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    /// A host name or IP address; IPv6 without brackets.
    public var host: String
    /// The TCP port (0 asks a listener for an ephemeral one).
    public var port: Int

    /// Creates a value with every field given.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Whether `host` names this machine's loopback for a listener to bind: `localhost`, `::1`,
    /// or an IPv4 address in 127.0.0.0/8 written as four numbers. A name that only starts with
    /// `127.` (`127.corp.example`) is resolved by DNS and may be anywhere.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT`.
    ///
    /// - Parameters:
    ///   - defaultHost: the host for `:PORT`; `nil` refuses an empty host.
    ///   - ports: the ports accepted (a listener may ask for 0, an ephemeral port; a client may not).
    public init?(parsing text: String, defaultHost: String? = "127.0.0.1", ports: ClosedRange<Int> = 0...65535) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let port = Int(portPart), ports.contains(port) else { return nil }
        if hostPart.isEmpty {
            guard let defaultHost else { return nil }
            self.host = defaultHost
        } else {
            self.host = String(hostPart)
        }
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
