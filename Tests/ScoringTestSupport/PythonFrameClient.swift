import Foundation
import StreamifyWire

/// Sends requests from a `python3` process and decodes its answers: for clients the test process
/// cannot be itself, such as another Unix user or a TLS client holding its own certificate.
public enum PythonFrameClient {
    /// A python3 process exited with an error (a refused TLS handshake, a closed connection).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `connect`, Python statements that leave a connected socket in `s` (they read their
    /// settings from `args`), then sends each request and reads one answer per request.
    /// `launcher` runs in front of python3 (e.g. setpriv to change user). With
    /// `halfClosingAfterAll`, every request is sent first, then the socket's sending side is shut
    /// at the TCP level (over TLS: without a close_notify), then the answers are read.
    public static func call(
        connect: String, arguments: [String], requests: [Request], launcher: [String] = [], halfClosingAfterAll: Bool = false
    ) throws -> [Response] {
        let script = """
            import socket, ssl, struct, sys
            split = sys.argv.index("--")
            args, frames = sys.argv[1:split], sys.argv[split + 1:]
            \(connect)
            def exactly(n):
                data = b""
                while len(data) < n:
                    chunk = s.recv(n - len(data))
                    if not chunk: sys.exit("closed")
                    data += chunk
                return data
            if \(halfClosingAfterAll ? "True" : "False"):
                s.sendall(b"".join(bytes.fromhex(frame) for frame in frames))
                socket.socket.shutdown(s, socket.SHUT_WR)
            for frame in frames:
                if not \(halfClosingAfterAll ? "True" : "False"): s.sendall(bytes.fromhex(frame))
                (length,) = struct.unpack(">I", exactly(4))
                print(exactly(length).hex(), flush=True)
            """
        let frames = requests.map { RawConnection.frame(WireCodec.encode($0)).map { String(format: "%02x", $0) }.joined() }
        let result = try runProgram(launcher + ["/usr/bin/python3", "-c", script] + arguments + ["--"] + frames)
        guard result.status == 0 else { throw Failure(description: "python3 exited \(result.status): \(result.errors)") }
        return try result.output.split(separator: "\n").map { line in
            let bytes = stride(from: 0, to: line.count, by: 2).map { offset -> UInt8 in
                let start = line.index(line.startIndex, offsetBy: offset)
                return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16)!
            }
            return try bytes.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }
        }
    }
}
