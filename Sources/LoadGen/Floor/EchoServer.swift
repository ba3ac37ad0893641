#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import NIOCore
import StreamifyWire
import Synchronization

/// A server that answers every length-prefixed frame with the frame itself: the least work a
/// server can do per request. A round trip to it costs what the host's sockets, scheduler and
/// CPU wake-ups cost, which is the floor under any server's round trip on the same host.
///
/// It listens on a Unix socket and serves one connection, with blocking calls on a thread of its
/// own, until the client closes it or `stop()` is called. Tests give it an `answer` other than
/// the echo, to see that a client catches it.
final class EchoServer: Sendable {
    /// Where it listens.
    let path: String
    private let listener: Int32
    private let finished = DispatchSemaphore(value: 0)
    /// Why serving ended early, if it did.
    private let failure = Mutex<String?>(nil)
    private let answer: (@Sendable ([UInt8]) -> [UInt8])?

    /// Binds and listens at `path` (which must not exist) and starts serving, answering each
    /// frame's body with `answer` of it, or with the frame itself when `answer` is `nil`.
    init(path: String, answer: (@Sendable ([UInt8]) -> [UInt8])? = nil) throws {
        let address = try SocketAddress(unixDomainSocketPath: path)
        let socket = try BlockingSocket.unixStream()
        guard address.withSockAddr({ bind(socket.descriptor, $0, socklen_t($1)) }) == 0 else {
            throw BlockingSocket.Failure.systemCall("bind(\(path))", errno)
        }
        guard listen(socket.descriptor, 1) == 0 else { throw BlockingSocket.Failure.systemCall("listen", errno) }
        self.path = path
        self.answer = answer
        self.listener = socket.releaseDescriptor()
        let thread = Thread { [self] in
            serveOneConnection()
            finished.signal()
        }
        thread.name = "echo-floor"
        thread.start()
    }

    /// Stops listening, waits for the serving thread to end and removes the socket file.
    /// Returns why serving failed, if it did.
    @discardableResult
    func stop() -> String? {
        // Wakes an `accept` still waiting; a connection being served ends when its client closes.
        shutdown(listener, Int32(SHUT_RDWR))
        finished.wait()
        close(listener)
        unlink(path)
        return failure.withLock { $0 }
    }

    private func serveOneConnection() {
        let descriptor = accept(listener, nil, nil)
        guard descriptor >= 0 else { return }
        let connection = BlockingSocket(descriptor: descriptor)
        var buffer: [UInt8] = []
        do {
            while let length = try connection.receiveFrame(into: &buffer, maximumLength: Framing.defaultMaximumFrameLength) {
                // One send per answer: a prefix sent apart could wake the client twice.
                if let answer {
                    let reply = Framing.frame(answer(Array(buffer[Framing.headerLength..<length])))
                    try reply.withUnsafeBytes { try connection.send($0) }
                } else {
                    try buffer.withUnsafeBytes { try connection.send(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
                }
            }
        } catch {
            failure.withLock { $0 = "\(error)" }
        }
    }
}
