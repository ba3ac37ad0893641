import Logging
import NIOCore
import NIOEmbedded
import ScoringEngine
import ScoringModel
import StreamifyWire
import Testing

@testable import SocketDoor

/// Fairness on one event loop: a large batch is scored a slice per turn, so another connection
/// on the same loop is answered in between; and the batch's own connection keeps its order.
@Suite("Batch slicing on one event loop")
struct BatchSlicingTests {
    static func connection(on loop: EmbeddedEventLoop, service: ScoringService) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(FrameDecoder(maximumFrameLength: 8 << 20)),
            ScoringHandler(
                processor: FrameProcessor(service: service), metrics: service.metrics, connections: ConnectionMetrics(),
                logger: Logger(label: "batch-slicing-test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func frame(_ request: Request, _ channel: EmbeddedChannel) -> ByteBuffer {
        let body = WireCodec.encode(request)
        var buffer = channel.allocator.buffer(capacity: body.count + 4)
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }

    /// Every response frame written on `channel` so far.
    static func answers(_ channel: EmbeddedChannel) throws -> [Response] {
        var responses: [Response] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            while let length = buffer.readInteger(as: UInt32.self), let body = buffer.readBytes(length: Int(length)) {
                responses.append(try body.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) })
            }
        }
        return responses
    }

    static func transaction(_ index: Int) -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: "card-\(index % 300)", merchantID: "m-\(index % 7)", amountMinor: 2_500,
            currency: "USD", eventTimeMs: 1_793_628_000_000 + Int64(index) * 1_000, country: "US")
    }

    @Test("a ping on another connection is answered before a large batch finishes; the batch's connection keeps order")
    func pingBetweenSlices() throws {
        let loop = EmbeddedEventLoop()
        let service = ScoringService(engine: RiskEngine())
        let busy = try Self.connection(on: loop, service: service)
        let other = try Self.connection(on: loop, service: service)
        let size = 4 * FrameProcessor.batchSlice + 1
        let batch = Request(requestID: 1, body: .scoreBatch((0..<size).map(Self.transaction)))
        // The batch, then a ping on the same connection, in one read.
        var bytes = Self.frame(batch, busy)
        var ping = Self.frame(Request(requestID: 2, body: .ping), busy)
        bytes.writeBuffer(&ping)
        try busy.writeInbound(bytes)

        // One slice is scored; nothing is answered yet on the busy connection.
        #expect(try Self.answers(busy).isEmpty)
        // The other connection is served at once.
        try other.writeInbound(Self.frame(Request(requestID: 7, body: .ping), other))
        #expect(try Self.answers(other).map(\.requestID) == [7])

        // The loop's later turns finish the batch, then the ping that waited behind it.
        loop.advanceTime(by: .seconds(1))
        let answers = try Self.answers(busy)
        #expect(answers.map(\.requestID) == [1, 2])
        guard case .breakdownBatch(let items) = answers.first?.body else {
            Issue.record("not a batch answer: \(String(describing: answers.first))")
            return
        }
        #expect(items.count == size)
        _ = try busy.finish()
        _ = try other.finish()
    }

    @Test("a half-close while a batch is scored closes only after its answer and the frames behind it")
    func halfCloseWaitsForTheBatch() throws {
        let loop = EmbeddedEventLoop()
        let busy = try Self.connection(on: loop, service: ScoringService(engine: RiskEngine()))
        let size = 2 * FrameProcessor.batchSlice + 3
        var bytes = Self.frame(Request(requestID: 1, body: .scoreBatch((0..<size).map(Self.transaction))), busy)
        var ping = Self.frame(Request(requestID: 2, body: .ping), busy)
        bytes.writeBuffer(&ping)
        try busy.writeInbound(bytes)
        busy.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(busy.isActive)
        loop.advanceTime(by: .seconds(1))
        #expect(try Self.answers(busy).map(\.requestID) == [1, 2])
        #expect(!busy.isActive)
    }
}
