import Foundation
import StreamifyWire

#if canImport(Glibc)
import Glibc
#endif

/// A blocking socket to the daemon with receive timeouts, for sending anything at all —
/// well-formed frames, garbage, half frames — and reading exactly what comes back.
///
/// One thread may send while another receives (a socket is full duplex); not two of either.
public final class RawConnection: @unchecked Sendable {
    public let fd: Int32

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        /// A failure saying `description`.
        public init(description: String) { self.description = description }
    }

    public init(unixPath path: String, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let utf8 = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: utf8)
            raw[utf8.count] = 0
        }
        try Self.connect(fd, to: &address, naming: path)
        setTimeout(timeoutSeconds)
    }

    /// A connection to loopback `port`; `receiveBufferBytes` sets the socket's receive buffer
    /// before connecting (so the window offered matches it), to play a peer that takes little.
    public init(tcpPort port: Int, timeoutSeconds: Int = 10, receiveBufferBytes: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        if var bytes = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        try Self.connect(fd, to: &address, naming: "127.0.0.1:\(port)")
        setTimeout(timeoutSeconds)
    }

    /// Connects `fd` to `address` (a `sockaddr_un` or `sockaddr_in`), or throws naming the
    /// peer. The socket is closed by `deinit`, which runs when an initializer throws this.
    private static func connect<Address>(_ fd: Int32, to address: inout Address, naming peer: String) throws {
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard result == 0 else { throw Failure(description: "connect(\(peer)): \(String(cString: strerror(errno)))") }
    }

    /// How long a send or a receive may wait from now on before it fails.
    public func setTimeout(_ seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    public func send(_ request: Request) throws { try send(Self.frame(WireCodec.encode(request))) }

    public static func frame(_ body: [UInt8]) -> [UInt8] { Framing.frame(body) }

    /// Reads exactly `count` bytes; `nil` if the daemon closed the connection first.
    public func receive(exactly count: Int) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = bytes[offset...].withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { return nil }
            guard received > 0 else { throw Failure(description: "recv: \(String(cString: strerror(errno)))") }
            offset += received
        }
        return bytes
    }

    /// Reads one response frame; `nil` if the daemon closed the connection.
    public func receiveResponse() throws -> Response? {
        guard let header = try receive(exactly: 4) else { return nil }
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard let body = try receive(exactly: length) else { throw Failure(description: "connection closed mid-frame") }
        return try body.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }
    }

    public func call(_ request: Request) throws -> Response {
        try send(request)
        guard let response = try receiveResponse() else { throw Failure(description: "connection closed") }
        return response
    }

    /// Whether the daemon has closed its side: a read sees end of stream, or a reset (a close
    /// with bytes of ours still unread).
    public func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        let received = recv(fd, &byte, 1, 0)
        return received == 0 || (received < 0 && errno == ECONNRESET)
    }

    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

/// The whole answer (status line, headers, body) to one `GET path` on loopback `port`, read
/// until the server closes the connection.
public func httpGet(port: Int, path: String) throws -> String {
    try httpRequest(port: port, method: "GET", path: path)
}

/// The whole answer to one `method path` request on loopback `port`, with `json` as its body if
/// given, read until the server closes the connection.
public func httpRequest(port: Int, method: String, path: String, json: String? = nil) throws -> String {
    let connection = try RawConnection(tcpPort: port)
    let body = json.map { "Content-Type: application/json\r\nContent-Length: \($0.utf8.count)\r\n" } ?? ""
    try connection.send(Array("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\(body)Connection: close\r\n\r\n\(json ?? "")".utf8))
    var bytes: [UInt8] = []
    while let byte = try connection.receive(exactly: 1) { bytes += byte }
    return String(decoding: bytes, as: UTF8.self)
}

/// The values of every sample of metric `name` in Prometheus text `metrics`, labelled or not,
/// in order, whole numbers only (counters print as `3`, gauges as `3.0`).
public func metricSamples(_ name: String, in metrics: String) -> [Int] {
    metrics.split(separator: "\n")
        .filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) }.flatMap { Int(exactly: $0) } }
}

/// Polls `condition` every `interval` seconds for up to `seconds`; whether it came to hold.
public func eventually(within seconds: Double, every interval: Double = 0.01, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: interval)
    } while Date() < deadline
    return false
}

/// Polls the daemon's `/metrics` on `port` every 50 ms until the first sample of `name` satisfies
/// `holds`, for at most `seconds` (the engine's counters and gauges move on its 5-second timer).
public func waitForMetric(_ name: String, port: Int, seconds: Double = 30, until holds: (Int) -> Bool) throws -> Bool {
    try eventually(within: seconds, every: 0.05) {
        metricSamples(name, in: try httpGet(port: port, path: "/metrics")).first.map(holds) ?? false
    }
}
