import Foundation
import NIOCore
import NIOPosix
import StreamifyWire

/// A small in-process stand-in for the scoring daemon, for client and load generator tests.
///
/// It speaks the real framing and protobuf encoding and answers deterministically: a score is
/// `min(1, amount_minor / 100_000)`, an amount of zero or less is refused with
/// `invalidArgument` on `amount_minor`, feedback is acknowledged, pings are answered.
public final class FakeScoringServer: Sendable {
    /// How the fake behaves, beyond the deterministic answers.
    public struct Behaviour: Sendable {
        /// Holds answers back until this many requests are waiting, then answers them all:
        /// a client that does not pipeline would wait forever.
        public var answerInGroupsOf: Int = 1
        /// Closes the connection, unanswered, when this request (1-based, per connection) arrives.
        public var closeOnRequest: Int? = nil
        /// Stalls once, like a garbage-collection pause: when this request (1-based, per
        /// connection) arrives, answers nothing for `stallMilliseconds`, then catches up in order.
        public var stallOnRequest: Int? = nil
        public var stallMilliseconds: Int64 = 0
        /// Answers this request (1-based, per connection) with a length prefix of 2 MiB.
        public var oversizedAnswerOnRequest: Int? = nil
        /// Answers this request (1-based, per connection) with another request id.
        public var wrongRequestIDOnRequest: Int? = nil

        public init(
            answerInGroupsOf: Int = 1, closeOnRequest: Int? = nil, stallOnRequest: Int? = nil, stallMilliseconds: Int64 = 0,
            oversizedAnswerOnRequest: Int? = nil, wrongRequestIDOnRequest: Int? = nil
        ) {
            self.oversizedAnswerOnRequest = oversizedAnswerOnRequest
            self.wrongRequestIDOnRequest = wrongRequestIDOnRequest
            self.answerInGroupsOf = answerInGroupsOf
            self.closeOnRequest = closeOnRequest
            self.stallOnRequest = stallOnRequest
            self.stallMilliseconds = stallMilliseconds
        }
    }

    public let channel: any NIOCore.Channel
    /// The Unix socket the server listens on (empty when it listens on TCP).
    public let socketPath: String
    /// The TCP port it listens on (0 when it listens on a Unix socket).
    public let port: Int

    private init(channel: any NIOCore.Channel, socketPath: String, port: Int) {
        self.channel = channel
        self.socketPath = socketPath
        self.port = port
    }

    /// Starts a server on a fresh Unix socket in the temporary directory, or with `tcp`, on
    /// 127.0.0.1 at a free port.
    public static func start(
        behaviour: Behaviour = Behaviour(),
        tcp: Bool = false,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> FakeScoringServer {
        let bootstrap = ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(FakeScoringHandler(behaviour: behaviour))
                }
            }
        if tcp {
            let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
            return FakeScoringServer(channel: channel, socketPath: "", port: channel.localAddress?.port ?? 0)
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("streamify-fake-\(UUID().uuidString.prefix(8)).sock").path
        let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        return FakeScoringServer(channel: channel, socketPath: path, port: 0)
    }

    public func stop() async throws {
        try await channel.close()
        if !socketPath.isEmpty { try? FileManager.default.removeItem(atPath: socketPath) }
    }

    /// The score the fake gives a transaction.
    public static func score(amountMinor: Int64) -> Float {
        Float(min(1.0, Double(amountMinor) / 100_000))
    }

    /// The alert level the fake gives a score.
    public static func level(score: Float) -> AlertLevel {
        switch score {
        case ..<0.25: .low
        case ..<0.5: .medium
        case ..<0.75: .high
        default: .critical
        }
    }

    static func answer(_ request: Request) -> Response {
        switch request.body {
        case .score(let transaction):
            return Response(requestID: request.requestID, body: breakdownOrError(transaction))
        case .scoreBatch(let transactions):
            let items = transactions.map { transaction -> BatchItem in
                switch breakdownOrError(transaction) {
                case .breakdown(let breakdown): .breakdown(breakdown)
                case .error(let error): .error(error)
                default: .error(WireError(code: .internal, message: "unreachable"))
                }
            }
            return Response(requestID: request.requestID, body: .breakdownBatch(items))
        case .feedback:
            return Response(requestID: request.requestID, body: .ack(.applied))
        case .authenticate:
            return Response(requestID: request.requestID, body: .authenticated(mayLabel: true))
        case .ping:
            return Response(
                requestID: request.requestID,
                body: .pong(Pong(version: "fake", modelVersion: "fake-model", cardsTracked: 0)))
        case nil:
            return Response(requestID: request.requestID, body: .error(WireError(code: .malformed, message: "no body")))
        }
    }

    private static func breakdownOrError(_ transaction: Transaction) -> Response.Body {
        guard transaction.amountMinor > 0 else {
            return .error(WireError(code: .invalidArgument, message: "must be positive", field: "amount_minor"))
        }
        let score = score(amountMinor: transaction.amountMinor)
        let factors = Factor.allCases.dropFirst().map {
            FactorScore(factor: $0, score: score, weight: 0.2, contribution: score * 0.2, reason: "fake")
        }
        return .breakdown(
            RiskBreakdown(
                transactionID: transaction.transactionID, riskScore: score, level: level(score: score),
                factors: factors, modelVersion: "fake-model", serverTimeMicroseconds: 1))
    }
}

/// Answers one connection for `FakeScoringServer`.
final class FakeScoringHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let behaviour: FakeScoringServer.Behaviour
    private var received = 0
    private var held: [Response] = []
    private var stalled = false

    init(behaviour: FakeScoringServer.Behaviour) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        received += 1
        if received == behaviour.closeOnRequest {
            // Answers already written go out first; the held ones and this request never do.
            context.flush()
            context.close(promise: nil)
            return
        }
        if received == behaviour.oversizedAnswerOnRequest {
            var buffer = context.channel.allocator.buffer(capacity: 64)
            buffer.writeInteger(UInt32(2 << 20), endianness: .big)
            buffer.writeRepeatingByte(0, count: 60)
            context.write(wrapOutboundOut(buffer), promise: nil)
            return
        }
        let response: Response
        do {
            response = FakeScoringServer.answer(try frame.withUnsafeReadableBytes { try WireCodec.decode(Request.self, from: $0) })
        } catch {
            response = Response(requestID: 0, body: .error(WireError(code: .malformed, message: "\(error)")))
        }
        var answer = response
        if received == behaviour.wrongRequestIDOnRequest { answer.requestID &+= 1_000_000 }
        held.append(answer)
        if received == behaviour.stallOnRequest {
            stalled = true
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(behaviour.stallMilliseconds)) {
                let (handler, context) = bound.value
                handler.stalled = false
                handler.answerHeld(context: context)
                context.flush()
            }
        }
        guard !stalled, held.count >= behaviour.answerInGroupsOf else { return }
        answerHeld(context: context)
    }

    private func answerHeld(context: ChannelHandlerContext) {
        for response in held {
            var buffer = context.channel.allocator.buffer(capacity: 128)
            buffer.writeFrame(WireCodec.encode(response))
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        held.removeAll(keepingCapacity: true)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
