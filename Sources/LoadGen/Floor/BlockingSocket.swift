#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import StreamifyWire

/// A stream socket used with plain blocking calls, for the round-trip floor: no event loop, no
/// readiness polling, so a round trip costs only what the kernel and the host's scheduler cost.
struct BlockingSocket: ~Copyable {
    /// A system call failed, or the peer broke the framing.
    struct Failure: Error, CustomStringConvertible {
        var description: String

        static func systemCall(_ call: String, _ code: Int32) -> Failure {
            Failure(description: "\(call) failed: \(String(cString: strerror(code)))")
        }
    }

    let descriptor: Int32

    /// Takes ownership of `descriptor`; it is closed when the socket goes away.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// A new Unix-domain stream socket, not yet bound or connected.
    static func unixStream() throws -> BlockingSocket {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure.systemCall("socket", errno) }
        return BlockingSocket(descriptor: fd)
    }

    /// Connects to the Unix-domain socket at `path`.
    static func connected(toUnixPath path: String) throws -> BlockingSocket {
        let address = try SocketAddress(unixDomainSocketPath: path)
        let socket = try unixStream()
        let result = address.withSockAddr { connect(socket.descriptor, $0, socklen_t($1)) }
        guard result == 0 else { throw Failure.systemCall("connect(\(path))", errno) }
        return socket
    }

    deinit {
        close(descriptor)
    }

    /// Gives up ownership: the descriptor stays open, and closing it is the caller's.
    consuming func releaseDescriptor() -> Int32 {
        let descriptor = self.descriptor
        discard self
        return descriptor
    }

    private static func sendNoSignal(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
        #else
        Darwin.send(descriptor, bytes, count, 0)
        #endif
    }

    /// Reads exactly `buffer.count` bytes; `false` when the peer closed before the first byte.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
        var done = 0
        while done < buffer.count {
            let count = read(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if count > 0 {
                done += count
            } else if count == 0 {
                if done == 0 { return false }
                throw Failure(description: "the peer closed the connection inside a frame")
            } else if errno != EINTR {
                throw Failure.systemCall("read", errno)
            }
        }
        return true
    }

    /// Writes all of `bytes`. A peer that has gone is an error, not a SIGPIPE.
    func send(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let count = Self.sendNoSignal(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if count >= 0 {
                done += count
            } else if errno != EINTR {
                throw Failure.systemCall("send", errno)
            }
        }
    }

    /// Reads one length-prefixed frame, prefix included, into the start of `buffer`, which only
    /// grows (so a round trip allocates only when a frame is longer than any before it), and
    /// returns the frame's whole length: its body is `buffer[Framing.headerLength..<length]`.
    /// `nil` when the peer closed between frames. A body over `maximumLength` is refused before
    /// reading it.
    func receiveFrame(into buffer: inout [UInt8], maximumLength: Int) throws -> Int? {
        if buffer.count < Framing.headerLength { buffer = [UInt8](repeating: 0, count: Framing.headerLength) }
        guard try buffer.withUnsafeMutableBytes({ try receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<Framing.headerLength])) })
        else { return nil }
        let bodyLength = buffer[..<Framing.headerLength].reduce(0) { $0 << 8 | Int($1) }
        guard bodyLength <= maximumLength else {
            throw Failure(description: "a frame of \(bodyLength) bytes is over the limit of \(maximumLength)")
        }
        let length = Framing.headerLength + bodyLength
        if buffer.count < length { buffer += [UInt8](repeating: 0, count: length - buffer.count) }
        guard bodyLength > 0 else { return length }
        guard try buffer.withUnsafeMutableBytes({ try receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[Framing.headerLength..<length])) })
        else {
            throw Failure(description: "the peer closed the connection inside a frame")
        }
        return length
    }
}
