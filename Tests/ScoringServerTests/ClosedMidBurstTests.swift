import Logging
import NIOCore
import NIOEmbedded
import ScoringEngine
import ScoringModel
import StreamifyWire
import Testing

@testable import SocketDoor

/// A connection that closes part-way through a read burst gives back everything it held
/// against the door's byte budgets: the budgets are shared, and what one connection never gives
/// back is refused to every other until a restart.
@Suite("A connection closed mid-burst")
struct ClosedMidBurstTests {
    /// Closes the channel at its first flush, inside the flush, as NIO does when a write fails
    /// (the client reset the connection).
    final class FailingWrite: ChannelOutboundHandler {
        typealias OutboundIn = NIOAny
        private var failed = false

        func flush(context: ChannelHandlerContext) {
            guard !failed else { return context.flush() }
            failed = true
            context.close(promise: nil)
        }
    }

    @Test("frames still decoded after a failed write closed the connection score nothing and reserve nothing")
    func budgetsGivenBackWhenAWriteFailsMidBurst() throws {
        typealias Slicing = BatchSlicingTests
        let loop = EmbeddedEventLoop()
        let (output, input) = (ByteBudget.output(limit: 64 << 20), ByteBudget.input(limit: 64 << 20))
        let service = ScoringService(engine: RiskEngine())
        let processor = FrameProcessor(service: service)
        processor.outputBudget = output
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandlers(
            FailingWrite(),
            ConnectionDeadlineHandler(timeouts: .init(), maximumFrameLength: 8 << 20, inputBudget: input),
            ByteToMessageHandler(FrameDecoder(maximumFrameLength: 8 << 20)),
            ScoringHandler(
                processor: processor, metrics: service.metrics, connections: ConnectionMetrics(),
                logger: Logger(label: "closed-mid-burst-test"), outputBudget: output))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()

        // Batches of a slice each, long enough to score that the answers held for the rest of the
        // burst are flushed part-way (`ScoringHandler.maxAnswerHold`); that flush fails. Then a
        // batch large enough to be sliced, and the start of a frame still to come.
        let small = FrameProcessor.batchSlice
        var burst = channel.allocator.buffer(capacity: 0)
        for index in 0..<16 {
            var frame = Slicing.frame(Request(requestID: UInt64(index), body: .scoreBatch((0..<small).map(Slicing.transaction))), channel)
            burst.writeBuffer(&frame)
        }
        let large = 4 * FrameProcessor.batchSlice + 1
        var batch = Slicing.frame(Request(requestID: 99, body: .scoreBatch((0..<large).map(Slicing.transaction))), channel)
        burst.writeBuffer(&batch)
        burst.writeBytes([0, 0, 1, 0, 7])  // a frame of 256 bytes, one of them here
        try? channel.writeInbound(burst)
        loop.advanceTime(by: .seconds(1))

        #expect(!channel.isActive, "the failed write closed the connection")
        // The close collected the counters; nothing scored since.
        #expect(processor.counters.transactions == 0, "\(processor.counters.transactions) scored after the close")
        #expect(service.metrics.totalsSnapshot.transactions < 16 * small, "frames behind the failed write were scored")
        #expect(output.heldBytes == 0, "output budget still holds \(output.heldBytes) bytes")
        #expect(input.heldBytes == 0, "input budget still holds \(input.heldBytes) bytes")
    }
}
