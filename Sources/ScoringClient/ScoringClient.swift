import NIOCore
import NIOPosix
import NIOSSL
import StreamifyWire
import Synchronization

/// A connection to the Streamify scoring daemon, with pipelining.
///
/// Every method may be called from any thread; requests sent on one client are answered in the
/// order they were sent. Open several clients for parallelism across connections.
///
/// ```swift
/// let client = try await ScoringClient.connect(to: .unix(path: "/run/streamify.sock"))
/// let breakdown = try await client.score(transaction)
/// try await client.close()
/// ```
public final class ScoringClient: Sendable {
    /// The connection's channel.
    public let channel: any NIOCore.Channel
    /// The event loop the connection lives on; the `…OnEventLoop` fast path must run there.
    public var eventLoop: any EventLoop { channel.eventLoop }

    private let router: NIOLoopBound<ResponseRouter>
    private let nextRequestID = Atomic<UInt64>(1)

    private init(channel: any NIOCore.Channel, router: ResponseRouter) {
        self.channel = channel
        self.router = NIOLoopBound(router, eventLoop: channel.eventLoop)
    }

    /// Connects to a daemon.
    ///
    /// - Parameters:
    ///   - target: a Unix socket path or a TCP host and port.
    ///   - tls: TLS for a TCP target (a daemon started with `--tls-cert`); ignored for a Unix socket.
    ///   - eventLoopGroup: where the connection runs; the shared NIO group by default.
    ///   - maximumFrameLength: responses longer than this close the connection.
    ///   - responseTimeout: a request not answered within this fails, with every request then
    ///     waiting, with `ScoringClientError.responseTimedOut`, and the connection closes (answers
    ///     come in order: one that never comes holds up the rest). Nil: wait as long as the
    ///     connection lives.
    public static func connect(
        to target: ScoringTarget,
        tls: ScoringClientTLS? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maximumFrameLength: Int = Framing.defaultMaximumResponseLength,
        responseTimeout: Duration? = nil
    ) async throws -> ScoringClient {
        let timeout = responseTimeout.map { duration -> TimeAmount in
            // Saturating: a timeout of centuries is no timeout at all, not a trap.
            let (seconds, attoseconds) = duration.components
            let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            return .nanoseconds(overflow ? Int64.max : max(scaled &+ attoseconds / 1_000_000_000, 1))
        }
        var tlsHandler: (@Sendable () throws -> NIOSSLClientHandler)?
        if let tls, case .tcp(let host, _) = target {
            tlsHandler = { try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname(for: host)) }
        }
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .channelInitializer { [tlsHandler] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsHandler { try channel.pipeline.syncOperations.addHandler(try tlsHandler()) }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maximumFrameLength: maximumFrameLength)))
                    try channel.pipeline.syncOperations.addHandler(ResponseRouter(responseTimeout: timeout))
                }
            }
        let channel: any NIOCore.Channel
        do {
            switch target {
            case .unix(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .tcp(let host, let port):
                channel = try await bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port).get()
            }
        } catch {
            throw ScoringClientError.connectFailed(target: "\(target)", reason: Self.reason(error))
        }
        return try await channel.eventLoop.submit {
            ScoringClient(channel: channel, router: try channel.pipeline.syncOperations.handler(type: ResponseRouter.self))
        }.get()
    }

    /// Why a connect failed, in the system's words where NIO has them (`IOError.reason`).
    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return error.reason }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first?.error as? IOError {
            return first.reason
        }
        return "\(error)"
    }

    /// Closes the connection; requests still waiting fail with `ScoringClientError.connectionClosed`.
    public func close() async throws {
        do {
            try await channel.close()
        } catch ChannelError.alreadyClosed {
            // Closed by the peer already: the goal is reached.
        }
    }

    /// A fresh request id, unique on this client.
    public func makeRequestID() -> UInt64 {
        nextRequestID.add(1, ordering: .relaxed).oldValue
    }

    // MARK: Typed API

    /// Scores one transaction.
    ///
    /// - Throws: `WireError` when the daemon refuses it, `ScoringClientError` when the connection fails.
    /// - Parameter budget: how long the answer is of use; the request carries the deadline (now
    ///   plus `budget`, on this machine's wall clock), and a daemon that reaches it later answers
    ///   `DEADLINE_EXCEEDED` at once instead of scoring it.
    /// - Parameter explain: which factors' reasons the breakdown carries (all by default).
    public func score(
        _ transaction: Transaction, within budget: Duration? = nil, explain: Explain = .all
    ) async throws -> RiskBreakdown {
        let request = Request(
            requestID: makeRequestID(), body: .score(transaction), deadlineMs: Self.deadlineMs(budget), explain: explain)
        let response = try await send(request).get()
        switch response.body {
        case .breakdown(let breakdown): return breakdown
        case .error(let error): throw error
        default: throw ScoringClientError.unexpectedResponse("\(String(describing: response.body)) to a score request")
        }
    }

    /// Unix epoch milliseconds `budget` from now; 0 (no deadline) without one.
    static func deadlineMs(_ budget: Duration?) -> Int64 {
        guard let budget else { return 0 }
        let (seconds, attoseconds) = budget.components
        return WallClock.unixMilliseconds() + seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// Scores several transactions in one request; the results keep the transactions' order.
    ///
    /// An item the daemon refuses is an `.error` item; a refused request throws `WireError`.
    /// `explain` says which factors' reasons the breakdowns carry (all by default).
    public func scoreBatch(_ transactions: [Transaction], explain: Explain = .all) async throws -> [BatchItem] {
        let response = try await send(
            Request(requestID: makeRequestID(), body: .scoreBatch(transactions), explain: explain)
        ).get()
        switch response.body {
        case .breakdownBatch(let items): return items
        case .error(let error): throw error
        default: throw ScoringClientError.unexpectedResponse("\(String(describing: response.body)) to a batch request")
        }
    }

    /// Reports a confirmed outcome (a chargeback, say); returns what became of it once the daemon
    /// acknowledged it.
    ///
    /// - Throws: `WireError` when the daemon refuses it (`UNAUTHENTICATED` without the label
    ///   role), `ScoringClientError` when the connection fails.
    @discardableResult
    public func send(_ feedback: Feedback) async throws -> LabelOutcome {
        let response = try await send(Request(requestID: makeRequestID(), body: .feedback(feedback))).get()
        switch response.body {
        case .ack(let outcome): return outcome
        case .error(let error): throw error
        default: throw ScoringClientError.unexpectedResponse("\(String(describing: response.body)) to feedback")
        }
    }

    /// Presents the daemon's label token (`--label-token-file`), so this connection may send
    /// labels; needed over TCP. Send it over loopback or TLS only.
    ///
    /// - Throws: `WireError` `UNAUTHENTICATED` for a wrong token.
    public func authenticate(token: String) async throws {
        let response = try await send(Request(requestID: makeRequestID(), body: .authenticate(token: token))).get()
        switch response.body {
        case .authenticated(mayLabel: true): return
        case .error(let error): throw error
        default: throw ScoringClientError.unexpectedResponse("\(String(describing: response.body)) to authenticate")
        }
    }

    /// Asks the daemon for its version and size.
    public func ping() async throws -> Pong {
        let response = try await send(Request(requestID: makeRequestID(), body: .ping)).get()
        switch response.body {
        case .pong(let pong): return pong
        case .error(let error): throw error
        default: throw ScoringClientError.unexpectedResponse("\(String(describing: response.body)) to a ping")
        }
    }

    /// Sends any request and flushes; the future fails with `ScoringClientError.requestIDMismatch`
    /// if the daemon answers another id.
    public func send(_ request: Request) -> EventLoopFuture<Response> {
        var buffer = channel.allocator.buffer(capacity: 256)
        buffer.writeFrame(WireCodec.encode(request))
        let frame = buffer
        let promise = eventLoop.makePromise(of: Response.self)
        let expected = request.requestID
        if eventLoop.inEventLoop {
            writeOnEventLoop(frame, waiting: .full(promise), flush: true)
        } else {
            eventLoop.execute { [self] in writeOnEventLoop(frame, waiting: .full(promise), flush: true) }
        }
        return promise.futureResult.flatMapThrowing { response in
            guard response.requestID == expected else {
                throw ScoringClientError.requestIDMismatch(expected: expected, received: response.requestID)
            }
            return response
        }
    }

    // MARK: Fast path

    /// Sends pre-encoded frames (each a whole length-prefixed `Request`) with one flush; each
    /// future gets the summary of its answer.
    public func send(frames: [ByteBuffer]) -> [EventLoopFuture<ResponseSummary>] {
        let promises = frames.map { _ in eventLoop.makePromise(of: ResponseSummary.self) }
        if eventLoop.inEventLoop {
            for (frame, promise) in zip(frames, promises) { writeOnEventLoop(frame, waiting: .summary(promise), flush: false) }
            channel.flush()
        } else {
            eventLoop.execute { [self] in
                for (frame, promise) in zip(frames, promises) { writeOnEventLoop(frame, waiting: .summary(promise), flush: false) }
                channel.flush()
            }
        }
        return promises.map(\.futureResult)
    }

    /// Writes one pre-encoded request frame without flushing; call `flushOnEventLoop()` after a batch.
    ///
    /// Must be called on `eventLoop`. The summary (ids, codes, scores and levels) is read
    /// straight from the answer's wire bytes.
    public func writeOnEventLoop(frame: ByteBuffer) -> EventLoopFuture<ResponseSummary> {
        let promise = eventLoop.makePromise(of: ResponseSummary.self)
        writeOnEventLoop(frame, waiting: .summary(promise), flush: false)
        return promise.futureResult
    }

    /// Writes one pre-encoded request frame without flushing, its answer's summary going to
    /// `receiver` (on `eventLoop`, in the order the frames were written) rather than to a future:
    /// a closed loop that sends millions of requests makes no promise per request.
    ///
    /// Must be called on `eventLoop`; call `flushOnEventLoop()` after a batch.
    public func writeOnEventLoop(frame: ByteBuffer, to receiver: any ResponseSummaryReceiver) {
        writeOnEventLoop(frame, waiting: .receiver(receiver), flush: false)
    }

    /// Writes `count` pre-encoded request frames that lie back to back in `frames` with one
    /// write, without flushing; each answer's summary goes to `receiver`, in order, as with
    /// `writeOnEventLoop(frame:to:)`. A closed loop pays the channel's write path once for a burst
    /// of requests instead of once for each.
    ///
    /// Must be called on `eventLoop`; `frames` must hold exactly `count` whole frames.
    public func writeOnEventLoop(frames: ByteBuffer, count: Int, to receiver: any ResponseSummaryReceiver) {
        precondition(count >= 1, "a burst holds at least one frame")
        // On a closed connection each registration fails its own request, as `count` separate
        // writes would have; nothing is written then.
        var open = true
        for _ in 0..<count where !router.value.enqueue(.receiver(receiver)) { open = false }
        if open { channel.write(frames, promise: nil) }
    }

    /// Flushes frames written with `writeOnEventLoop(frame:)`. Must be called on `eventLoop`.
    public func flushOnEventLoop() {
        channel.flush()
    }

    /// Requests written and not yet answered. Must be read on `eventLoop`.
    public var pendingCountOnEventLoop: Int { router.value.pendingCount }

    private func writeOnEventLoop(_ frame: ByteBuffer, waiting: PendingResponse, flush: Bool) {
        guard router.value.enqueue(waiting) else { return }
        if flush {
            channel.writeAndFlush(frame, promise: nil)
        } else {
            channel.write(frame, promise: nil)
        }
    }
}
