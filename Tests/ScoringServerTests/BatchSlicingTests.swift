import Logging
import NIOCore
import NIOEmbedded
import ScoringEngine
import ScoringModel
import ScoringTestSupport
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

    @Test("a large batch counts against --max-buffered-output from its admission, by its expected answer and what it decodes, and leaves it when written or abandoned")
    func batchReservesItsAnswerAgainstTheOutputBudget() throws {
        let size = 4 * FrameProcessor.batchSlice + 1
        let body = WireCodec.encode(Request(requestID: 1, body: .scoreBatch((0..<size).map(Self.transaction))))
        var frame = ByteBufferAllocator().buffer(capacity: body.count)
        frame.writeBytes(body)
        for abandoned in [false, true] {
            let budget = ByteBudget.output(limit: 1 << 20)
            let processor = FrameProcessor(service: ScoringService(engine: RiskEngine()))
            processor.outputBudget = budget
            var outbound = ByteBufferAllocator().buffer(capacity: 0)
            #expect(processor.process(frame: frame, into: &outbound) == .batchInProgress)
            // Nothing learned yet: the request's own size is reserved before anything is decoded.
            #expect(budget.heldBytes == body.count)
            var held: [Int] = []
            while processor.continueBatch(into: &outbound) == .batchInProgress {
                held.append(budget.heldBytes)
                if abandoned, budget.heldBytes > body.count { break }
            }
            // Decoding turns add what the transactions hold in the arena; scored slices grow the
            // reservation once the answer passes it.
            #expect(held.first ?? 0 > body.count)
            #expect(abandoned || held.last ?? 0 > held.first ?? 0)
            #expect(held == held.sorted())
            if abandoned {
                processor.abandonBatch()
                #expect(!processor.hasBatchInProgress)
                #expect(outbound.readableBytes == 0)
                #expect(budget.heldBytes == 0)
                continue
            }
            // Written, it leaves the budget: the connection's own count takes it over.
            #expect(outbound.readableBytes > body.count)
            #expect(budget.heldBytes == 0)

            // The next batch reserves, from its admission, what the last answer took per item:
            // the answer frame less its few bytes of framing, give or take rounding per item.
            let answered = outbound.readableBytes
            #expect(processor.process(frame: frame, into: &outbound) == .batchInProgress)
            #expect(budget.heldBytes <= answered && budget.heldBytes > answered - size - 32, "\(budget.heldBytes) of \(answered)")
            processor.abandonBatch()
            #expect(budget.heldBytes == 0)
        }
    }

    /// A batch of a few slices (request 1), then a ping (request 2), in one buffer.
    static func batchThenPing(on channel: EmbeddedChannel) -> ByteBuffer {
        let size = 2 * FrameProcessor.batchSlice + 3
        var bytes = Self.frame(Request(requestID: 1, body: .scoreBatch((0..<size).map(Self.transaction))), channel)
        var ping = Self.frame(Request(requestID: 2, body: .ping), channel)
        bytes.writeBuffer(&ping)
        return bytes
    }

    @Test("a half-close while a batch is scored closes only after its answer and the frames behind it")
    func halfCloseWaitsForTheBatch() throws {
        let loop = EmbeddedEventLoop()
        let busy = try Self.connection(on: loop, service: ScoringService(engine: RiskEngine()))
        try busy.writeInbound(Self.batchThenPing(on: busy))
        busy.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(busy.isActive)
        loop.advanceTime(by: .seconds(1))
        #expect(try Self.answers(busy).map(\.requestID) == [1, 2])
        #expect(!busy.isActive)
    }

    @Test("a frame over the limit behind a large batch, bytes following it, is refused only after the batch and the ping before it")
    func oversizedFrameWaitsForTheBatch() throws {
        let loop = EmbeddedEventLoop()
        let busy = try Self.connection(on: loop, service: ScoringService(engine: RiskEngine()))
        var bytes = Self.batchThenPing(on: busy)
        bytes.writeInteger(UInt32(16 << 20))  // over the decoder's 8 MiB
        bytes.writeRepeatingByte(0, count: 1_000)
        try busy.writeInbound(bytes)
        // NIO reads on within the same read cycle; the decoder, failed, refuses these bytes with
        // an error of its own, which must not close the connection before the batch is answered.
        var more = busy.allocator.buffer(capacity: 1_000)
        more.writeRepeatingByte(0, count: 1_000)
        try busy.writeInbound(more)
        #expect(busy.isActive)
        loop.advanceTime(by: .seconds(1))
        let answers = try Self.answers(busy)
        #expect(answers.map(\.requestID) == [1, 2, 0])
        #expect(Fixtures.error(answers.last)?.code == .frameTooLarge)
        #expect(!busy.isActive)
    }

    // MARK: - Decoding and encoding a slice per turn (`LargeBatch`)

    /// The one response frame `processor` appends for the request body `body`, answered to the
    /// end however many turns it takes, and its bytes.
    static func answer(_ body: [UInt8], with processor: FrameProcessor) throws -> (Response, [UInt8]) {
        var frame = ByteBufferAllocator().buffer(capacity: body.count)
        frame.writeBytes(body)
        var outbound = ByteBufferAllocator().buffer(capacity: 0)
        processor.answer(frame: frame, into: &outbound)
        let length = outbound.readInteger(as: UInt32.self)
        let bytes = try #require(length.flatMap { outbound.readBytes(length: Int($0)) })
        #expect(outbound.readableBytes == 0, "one frame")
        return (try bytes.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }, bytes)
    }

    /// The items with `server_time_us` zeroed: everything the scoring decided.
    static func decided(_ response: Response) -> [BatchItem] {
        guard case .breakdownBatch(let items) = response.body else { return [] }
        return items.map { item in
            guard case .breakdown(var breakdown) = item else { return item }
            breakdown.serverTimeMicroseconds = 0
            return .breakdown(breakdown)
        }
    }

    @Test("a batch of several slices answers exactly what the same transactions answer in small batches, laid out as protobuf-c packs it")
    func largeBatchMatchesSmallBatches() throws {
        let size = 3 * FrameProcessor.batchSlice + 5
        let transactions = (0..<size).map(Self.transaction) + [Transaction(
            transactionID: "bad", cardID: "", merchantID: "m", amountMinor: 1, currency: "USD", eventTimeMs: 1_793_628_000_000)]
        let large = FrameProcessor(service: ScoringService(engine: RiskEngine()))
        let (answer, bytes) = try Self.answer(WireCodec.encode(Request(requestID: 9, body: .scoreBatch(transactions))), with: large)
        #expect(answer.requestID == 9)
        #expect(bytes == WireCodec.encode(answer), "the hand-laid frame is the one protobuf-c packs for the same response")

        let small = FrameProcessor(service: ScoringService(engine: RiskEngine()))
        var expected: [BatchItem] = []
        for start in stride(from: 0, to: transactions.count, by: 100) {
            let part = Array(transactions[start..<min(start + 100, transactions.count)])
            expected += Self.decided(try Self.answer(WireCodec.encode(Request(requestID: 1, body: .scoreBatch(part))), with: small).0)
        }
        #expect(Self.decided(answer).count == transactions.count)
        #expect(Self.decided(answer) == expected)
        guard case .error(let refused)? = Self.decided(answer).last else {
            Issue.record("the invalid transaction was not refused on its own")
            return
        }
        #expect(refused.code == .invalidArgument)
    }

    @Test("a large batch with request id 0 is answered with request id 0")
    func largeBatchWithRequestIDZero() throws {
        let processor = FrameProcessor(service: ScoringService(engine: RiskEngine()))
        let size = FrameProcessor.batchSlice + 1
        let (answer, bytes) = try Self.answer(
            WireCodec.encode(Request(requestID: 0, body: .scoreBatch((0..<size).map(Self.transaction)))), with: processor)
        #expect(answer.requestID == 0)
        #expect(Self.decided(answer).count == size)
        #expect(bytes == WireCodec.encode(answer))
    }

    /// A `Request` body with `request_id` 5 and one `score_batch` of `transactions`, each given
    /// as its own bytes: lets a test put a malformed one among valid ones.
    /// A request (id 5) with a `score_batch` of `transactions`, then `batchTail` within the batch.
    static func batchRequest(_ transactions: [[UInt8]], batchTail: [UInt8] = []) -> [UInt8] {
        let number = WireFieldNumbers.request
        var batch = ByteBuffer()
        for transaction in transactions {
            batch.writeProtobufKey(number.batchTransactions, .lengthDelimited)
            batch.writeProtobufVarint(UInt64(transaction.count))
            batch.writeBytes(transaction)
        }
        batch.writeBytes(batchTail)
        var body = ByteBuffer()
        body.writeProtobufKey(number.requestID, .varint)
        body.writeProtobufVarint(5)
        body.writeProtobufKey(number.scoreBatch, .lengthDelimited)
        body.writeProtobufVarint(UInt64(batch.readableBytes))
        body.writeBuffer(&batch)
        return Array(body.readableBytesView)
    }

    @Test("a transaction that does not decode, deep in a large batch, refuses the whole request and scores nothing")
    func malformedTransactionRefusesTheBatch() throws {
        let service = ScoringService(engine: RiskEngine())
        let processor = FrameProcessor(service: service)
        let budget = ByteBudget.output(limit: 1 << 20)
        processor.outputBudget = budget
        var transactions = (0..<(2 * FrameProcessor.batchSlice + 10)).map { WireCodec.encode(Self.transaction($0)) }
        // Field 1 announces five bytes and holds one: valid around it, not a Transaction.
        transactions[2 * FrameProcessor.batchSlice + 3] = [0x0A, 0x05, 0x61]
        let body = Self.batchRequest(transactions)
        #expect(RequestPeek(body.withUnsafeBytes { $0 }).isWellFormed, "the frame itself is valid wire format")
        let (answer, _) = try Self.answer(body, with: processor)
        #expect(answer.requestID == 5)
        #expect(Fixtures.error(answer)?.code == .malformed)
        #expect(service.engine.cardsTracked == 0, "nothing was scored")
        #expect(budget.heldBytes == 0, "the refused batch's reservation was released")
        // The processor is whole again: the next batch is answered.
        let nextBatch = Request(requestID: 6, body: .scoreBatch((0..<300).map(Self.transaction)))
        let (next, _) = try Self.answer(WireCodec.encode(nextBatch), with: processor)
        #expect(Self.decided(next).count == 300)
        #expect(budget.heldBytes == 0)
    }

    /// `value` as a varint padded with empty continuation bytes to `length` bytes: the same
    /// number to a lenient reader, too long a key or length for protobuf-c past five bytes.
    static func paddedVarint(_ value: UInt64, to length: Int) -> [UInt8] {
        var bytes = WireBytes.varint(value)
        while bytes.count < length {
            bytes[bytes.count - 1] |= 0x80
            bytes.append(0)
        }
        return bytes
    }

    @Test(
        "a batch whose key or length is padded past five bytes is refused MALFORMED, as protobuf-c refuses it, whether it is sliced or not",
        arguments: [FrameProcessor.batchSlice, FrameProcessor.batchSlice + 1])
    func paddedFramingRefused(size: Int) throws {
        let number = WireFieldNumbers.request
        let items = (0..<size).flatMap { WireBytes.field(number.batchTransactions, .lengthDelimited, WireCodec.encode(Self.transaction($0))) }
        let requestID = WireBytes.field(number.requestID, .varint, WireBytes.varint(5))
        let batchKey = ProtobufWireReader.key(number.scoreBatch, .lengthDelimited)
        let paddedKey = requestID + Self.paddedVarint(batchKey, to: 6) + WireBytes.varint(UInt64(items.count)) + items
        let paddedLength = requestID + WireBytes.varint(batchKey) + Self.paddedVarint(UInt64(items.count), to: 6) + items
        // Five bytes are still protobuf-c's, and scored.
        let fiveBytes = requestID + Self.paddedVarint(batchKey, to: 5) + Self.paddedVarint(UInt64(items.count), to: 5) + items
        for (name, body) in [("padded key", paddedKey), ("padded length", paddedLength)] {
            let service = ScoringService(engine: RiskEngine())
            let (answer, _) = try Self.answer(body, with: FrameProcessor(service: service))
            guard case .error(let error) = answer.body else {
                Issue.record("\(name): answered \(answer)")
                continue
            }
            #expect(error.code == .malformed, "\(name): \(error)")
            #expect(service.engine.cardsTracked == 0, "\(name): nothing was scored")
        }
        let service = ScoringService(engine: RiskEngine())
        let (answer, _) = try Self.answer(fiveBytes, with: FrameProcessor(service: service))
        guard case .breakdownBatch(let answers) = answer.body else {
            Issue.record("five-byte key and length: answered \(answer)")
            return
        }
        #expect(answers.count == size)
    }

    @Test("a large batch in a frame of unusual shape (two score_batch fields) is refused before any of it is scored")
    func unusualShapeRefused() throws {
        let first = WireCodec.encode(Request(requestID: 3, body: .scoreBatch((0..<300).map(Self.transaction))))
        let second = WireCodec.encode(Request(requestID: 0, body: .scoreBatch((300..<700).map(Self.transaction))))
        let service = ScoringService(engine: RiskEngine())
        let (answer, _) = try Self.answer(first + second, with: FrameProcessor(service: service))
        #expect(answer.requestID == 3)
        guard case .error(let error) = answer.body else {
            Issue.record("answered \(answer)")
            return
        }
        #expect(error.code == .invalidArgument && error.field == "body")
        #expect(service.engine.cardsTracked == 0, "nothing was scored")

        // Two batches each within the limit, over it together: refused for the shape, not the size.
        let limited = FrameProcessor(service: service, maximumBatchSize: 500)
        let (twice, _) = try Self.answer(first + second, with: limited)
        #expect(Fixtures.error(twice)?.field == "body", "\(twice)")
    }

    @Test("a large batch whose transactions decode to far more than their bytes (unknown fields kept) is shed once they pass --max-buffered-output with others' answers; alone it is served")
    func batchDecodingPastTheBudgetShed() throws {
        // Each transaction padded with a thousand unknown fields: a few bytes each on the wire,
        // a record and a copy each once protobuf-c has kept them.
        var padding = ByteBuffer()
        for _ in 0..<1_000 {
            padding.writeProtobufKey(1_000, .varint)
            padding.writeProtobufVarint(0)
        }
        let count = 2 * FrameProcessor.batchSlice + 10
        let padded = (0..<count).map { WireCodec.encode(Self.transaction($0)) + Array(padding.readableBytesView) }
        let plain = (0..<count).map { WireCodec.encode(Self.transaction($0)) }
        // An unknown field in the request itself: the batch is decoded in one piece, not sliced.
        var unknown = ByteBuffer()
        unknown.writeProtobufKey(15, .varint)
        unknown.writeProtobufVarint(0)
        let limit = 4 << 20
        let othersHold = 1 << 20
        #expect(padded.reduce(0) { $0 + $1.count } + othersHold < limit, "the frame alone fits the budget")
        for wholeFrame in [false, true] {
            for (transactions, others, shed) in [(plain, othersHold, false), (padded, othersHold, true), (padded, 0, false)] {
                let service = ScoringService(engine: RiskEngine())
                let processor = FrameProcessor(service: service)
                let budget = ByteBudget.output(limit: limit)
                budget.adjust(by: others)  // unread answers of other connections
                processor.outputBudget = budget
                let request = Self.batchRequest(transactions) + (wholeFrame ? Array(unknown.readableBytesView) : [])
                let (answer, _) = try Self.answer(request, with: processor)
                #expect(budget.heldBytes == others)
                if shed {
                    #expect(Fixtures.error(answer)?.code == .overloaded, "\(answer)")
                    #expect(service.engine.cardsTracked == 0, "nothing was scored")
                    #expect(processor.counters.shedForBufferedOutput == 1)
                } else {
                    #expect(Self.decided(answer).count == count, "\(wholeFrame) \(others)")
                }
            }
        }
    }

    @Test("a large batch with a transactions field that is not a message is malformed, as decoding it whole says; nothing is scored")
    func transactionsFieldOfAnotherWireTypeRefused() throws {
        let service = ScoringService(engine: RiskEngine())
        let transactions = (0..<(2 * FrameProcessor.batchSlice + 10)).map { WireCodec.encode(Self.transaction($0)) }
        // After the last transaction, inside the batch: `transactions` as a varint.
        var tail = ByteBuffer()
        tail.writeProtobufKey(WireFieldNumbers.request.batchTransactions, .varint)
        tail.writeProtobufVarint(0)
        let bytes = Self.batchRequest(transactions, batchTail: Array(tail.readableBytesView))
        let (answer, _) = try Self.answer(bytes, with: FrameProcessor(service: service))
        #expect(Fixtures.error(answer)?.code == .malformed, "\(answer)")
        #expect(service.engine.cardsTracked == 0, "nothing was scored")
    }
}
