import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: every request received before a half-close or SIGTERM is answered, whole.
@Suite("Reliability: lossless drain (real binary, .offCooperativePool)")
struct LosslessDrainTests {
    /// `count` score requests for 1,000 cards, numbered from `first`, as one byte stream of frames.
    static func pipelined(_ count: Int, from first: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 160)
        for index in first..<first + count {
            let request = Request(
                requestID: UInt64(index), body: .score(Fixtures.transaction(index, card: "c\(index % 1_000)")))
            bytes += RawConnection.frame(WireCodec.encode(request))
        }
        return bytes
    }

    /// Sends `bytes` from another thread (the daemon's answers must be read meanwhile, or both
    /// sides stall on full buffers), then half-closes if asked.
    static func sendInBackground(_ bytes: [UInt8], on connection: RawConnection, halfClose: Bool) {
        Thread.detachNewThread {
            try? connection.send(bytes)
            if halfClose { connection.shutdownWrite() }
        }
    }

    /// Reads answers until the daemon closes; fails on an answer cut mid-frame or out of order.
    static func readAll(from connection: RawConnection, startingAt first: Int = 0) throws -> Int {
        var received = first
        while let response = try connection.receiveResponse() {
            guard response.requestID == UInt64(received), Fixtures.breakdown(response) != nil else {
                throw RawConnection.Failure(description: "answer \(received) was \(response)")
            }
            received += 1
        }
        return received - first
    }

    @Test("a client that half-closes after pipelining 60,000 requests gets all 60,000 answers, none cut")
    func halfCloseAnswersEverything() throws {
        let daemon = try DaemonProcess.start(arguments: DaemonProcess.scoreEverything)
        let requests = 60_000
        let bytes = Self.pipelined(requests)
        // The loss was intermittent (4 runs in 8): three connections in a row.
        for _ in 0..<3 {
            let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
            Self.sendInBackground(bytes, on: connection, halfClose: true)
            #expect(try Self.readAll(from: connection) == requests)
        }
        #expect(daemon.terminate() == 0)
    }

    @Test("a half-close inside a frame: the requests before it are answered, then MALFORMED says the last was cut, then a clean close")
    func halfCloseMidFrame() throws {
        let daemon = try DaemonProcess.start(arguments: DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 30)
        let next = Self.pipelined(1, from: 1)
        try connection.send(Self.pipelined(1) + Array(next.prefix(3)))
        connection.shutdownWrite()
        #expect(try connection.receiveResponse()?.requestID == 0)
        let cut = try #require(try connection.receiveResponse())
        let error = try #require(Fixtures.error(cut))
        #expect(cut.requestID == 0 && error.code == .malformed)
        #expect(error.message.contains("ended inside a request frame (3 bytes"), "\(error.message)")
        #expect(try connection.receiveResponse() == nil)
        #expect(daemon.terminate() == 0)
    }

    @Test("a reader that pauses past the frame timeout, its pipeline mid-frame at the daemon, is not closed as a trickle")
    func pausedReaderIsNotATrickle() throws {
        let daemon = try DaemonProcess.start(arguments: ["--frame-timeout", "1s"] + DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
        let requests = 60_000
        Self.sendInBackground(Self.pipelined(requests), on: connection, halfClose: true)
        // The reader under test: three frame timeouts with its answers unread, while the daemon
        // holds reads back with (almost surely) part of a frame read.
        Thread.sleep(forTimeInterval: 3)
        #expect(try Self.readAll(from: connection) == requests)
        #expect(daemon.terminate() == 0)
    }

    @Test("a client streaming past the frame timeout, every write ending mid-frame, is timed per frame, not per stream")
    func longStreamTimedPerFrame() throws {
        let daemon = try DaemonProcess.start(arguments: ["--frame-timeout", "1s"] + DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
        let requests = 20_000
        let frames = (0..<requests).map { Self.pipelined(1, from: $0) }
        // Each write ends in the middle of a frame: every 25th frame is cut in half.
        var writes: [[UInt8]] = [[]]
        for (index, frame) in frames.enumerated() {
            guard index % 25 == 24 else {
                writes[writes.count - 1] += frame
                continue
            }
            writes[writes.count - 1] += frame[..<(frame.count / 2)]
            writes.append(Array(frame[(frame.count / 2)...]))
        }
        let cut = writes
        Thread.detachNewThread {
            let writes = cut
            // Three frame timeouts of writes.
            let pause = 3.0 / Double(writes.count)
            for write in writes {
                try? connection.send(write)
                Thread.sleep(forTimeInterval: pause)
            }
            connection.shutdownWrite()
        }
        #expect(try Self.readAll(from: connection) == requests)
        #expect(daemon.terminate() == 0)
    }

    @Test("SIGTERM while a client trickles a request in: it is answered, not cut off as quiet for having no answer due")
    func tricklingRequestAnsweredOnShutdown() throws {
        let daemon = try DaemonProcess.start(arguments: ["--shutdown-grace", "20s", "--frame-timeout", "10s"] + DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 30)
        try connection.send(Self.pipelined(1))
        #expect(try connection.receiveResponse()?.requestID == 0, "the daemon is answering")
        daemon.signal(SIGTERM)
        // Ten bytes every 100 ms: the frame takes well over the drain's 300 ms of quiet to arrive.
        let frame = Self.pipelined(1, from: 1)
        for start in stride(from: 0, to: frame.count, by: 10) {
            try connection.send(Array(frame[start..<min(start + 10, frame.count)]))
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(try connection.receiveResponse()?.requestID == 1, "the trickled request is answered")
        #expect(try connection.receiveResponse() == nil, "then a clean close")
        #expect(daemon.waitForExit(timeout: 30) == 0)
    }

    @Test("SIGTERM with a reader that starts reading a second later: every answer arrives, then a clean close")
    func slowReaderDrainedOnShutdown() throws {
        let daemon = try DaemonProcess.start(arguments: ["--shutdown-grace", "20s"] + DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
        let requests = 10_000
        let bytes = Self.pipelined(requests)
        // The first thousand are surely with the daemon before the signal; the rest follow as
        // the daemon reads, which it only does while its answers are being taken.
        let headLength = Self.pipelined(1_000).count
        try connection.send(Array(bytes[..<headLength]))
        Self.sendInBackground(Array(bytes[headLength...]), on: connection, halfClose: false)
        #expect(try connection.receiveResponse()?.requestID == 0, "the daemon is answering")
        daemon.signal(SIGTERM)
        // The slow reader under test: a second with its answers unread while the daemon drains.
        Thread.sleep(forTimeInterval: 1)
        #expect(try Self.readAll(from: connection, startingAt: 1) == requests - 1)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(!daemon.log.contains("Cannot schedule tasks"))
    }
}
