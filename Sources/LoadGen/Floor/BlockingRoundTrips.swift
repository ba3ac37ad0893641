import Foundation
import StreamifyWire
import SyntheticWorld

/// One request at a time from a blocking Unix-socket client: what a round trip costs on this
/// host, against `EchoServer` (the floor) or the daemon, with the same requests and the same
/// client, so the difference between the two is the daemon's own share.
struct BlockingRoundTrips {
    /// What answers the requests, and so what a right answer is.
    enum Server {
        /// `EchoServer`: every answer is its request.
        case echo
        /// The scoring daemon: every answer is a breakdown with its request's id.
        case daemon
    }

    /// An answer that is not what `Server` gives.
    struct WrongAnswer: Error, CustomStringConvertible {
        var roundTrip: Int
        var reason: String
        var description: String { "round trip \(roundTrip): \(reason)" }
    }

    /// The requests, framed, in the order they are sent.
    let frames: [[UInt8]]
    /// Round trips before measuring starts.
    let warmup: Int

    /// Round trips measured.
    var measuredRoundTrips: Int { frames.count - warmup }

    /// Scoring requests for the first `warmup + roundTrips` transactions of the default
    /// synthetic world, request ids from 1.
    init(warmup: Int, roundTrips: Int) {
        precondition(warmup >= 0 && roundTrips >= 1)
        var stream = TransactionStream(configuration: WorldConfiguration())
        var frames: [[UInt8]] = []
        frames.reserveCapacity(warmup + roundTrips)
        while frames.count < warmup + roundTrips {
            guard case .transaction(let labelled) = stream.next() else { continue }
            frames.append(Framing.frame(WireCodec.encode(Request(requestID: UInt64(frames.count + 1), body: .score(labelled.transaction)))))
        }
        self.frames = frames
        self.warmup = warmup
    }

    /// Sends every request to the Unix socket at `path`, each once the previous one is answered,
    /// checks each answer against what `server` gives, and returns the measured round trips'
    /// latencies (from before the write to after the answer's last byte).
    func measure(unixPath path: String, server: Server) throws -> LatencyHistogram {
        let socket = try BlockingSocket.connected(toUnixPath: path)
        let maximumAnswer = server == .echo ? frames.map(\.count).max()! - Framing.headerLength : Framing.defaultMaximumResponseLength
        var answer: [UInt8] = []
        var latencies = LatencyHistogram()
        for (index, frame) in frames.enumerated() {
            let started = LoadWorker.nowNanos()
            try frame.withUnsafeBytes { try socket.send($0) }
            guard let length = try socket.receiveFrame(into: &answer, maximumLength: maximumAnswer) else {
                throw WrongAnswer(roundTrip: index, reason: "the server closed the connection")
            }
            let finished = LoadWorker.nowNanos()
            try check(answer[Framing.headerLength..<length], to: frame, roundTrip: index, from: server)
            if index >= warmup { latencies.record(nanoseconds: finished - started) }
        }
        return latencies
    }

    /// Throws `WrongAnswer` unless `answer` is what `server` gives to round trip `index`, `frame`.
    func check(_ answer: ArraySlice<UInt8>, to frame: [UInt8], roundTrip index: Int, from server: Server) throws {
        switch server {
        case .echo:
            guard answer.elementsEqual(frame[Framing.headerLength...]) else {
                throw WrongAnswer(roundTrip: index, reason: "the answer is not the request echoed back")
            }
        case .daemon:
            let response = try answer.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }
            guard response.requestID == UInt64(index + 1) else {
                throw WrongAnswer(roundTrip: index, reason: "the answer has request id \(response.requestID), not \(index + 1)")
            }
            guard case .breakdown = response.body else {
                throw WrongAnswer(roundTrip: index, reason: "the answer is not a breakdown: \(String(describing: response.body))")
            }
        }
    }
}
