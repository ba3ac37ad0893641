// libFuzzer target for the daemon's request path.
//
// Fuzzing build (see scripts/fuzz.sh; swiftc keeps only the last -sanitize=, hence the combined one):
//   swift build --product FrameFuzzer --sanitize fuzzer --sanitize address \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path .build-fuzz
// libFuzzer then provides `main`. In an ordinary `swift build` (no -DFUZZING) the same target
// builds a replayer: `FrameFuzzer FILE...` runs each file through the same checks, which is how
// a crash reproducer or the seed corpus is re-run without sanitizers.
//
// Each input is used four ways:
//  1. as a byte stream on a connection: FrameDecoder (a ByteToMessageHandler in an
//     EmbeddedChannel, delivered in two reads) -> FrameProcessor, as the daemon's pipeline does;
//  2. as one frame body: FrameProcessor.answer(frame:into:) directly;
//  3. as a message: WireCodec.decodeRequest / decodeResponse / decodeTransaction /
//     decodeFeedback / decodeFraudAlert, plus an encode-decode round trip of what decodes;
//  4. as a request for the socket door's BorrowingDecoder, compared field by field with
//     protobuf-c's decoding of it whenever the borrowing decoder takes it;
//  5. as a Kafka door input value in the sales JSON shape: SalesEventJSON.decode (the fast
//     scanner, then JSONDecoder) and the transaction made of what decodes.
// Besides "no crash, no memory error", it checks that every request frame gets exactly one
// well-formed response frame that decodes as a streamify.v1.Response.

import NIOCore
import NIOEmbedded
import ScoringTestSupport
import SocketDoor
import ScoringEngine
import ScoringModel
import StreamifyWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The longest frame the fuzzed pipeline accepts: small, so oversized frames are common.
let maximumFrameLength = 64 * 1024

/// Small tables so eviction and growth paths run too.
let engine = RiskEngine(
    configuration: EngineConfiguration(
        stripeCount: 4, maximumCards: 4_096, maximumDevices: 2_048, maximumMerchants: 1_024))

/// Answers frames like the daemon's `ScoringHandler`, without its metrics and draining.
final class FuzzScoringHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let processor: FrameProcessor
    var outbound = ByteBuffer()
    var frames = 0
    var tooLarge: FrameTooLargeError?

    init(processor: FrameProcessor) { self.processor = processor }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard tooLarge == nil else { return }
        processor.answer(frame: unwrapInboundIn(data), into: &outbound)
        frames += 1
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After the first error the daemon closes the connection; later errors (the decoder
        // refusing data in its error state) do not matter.
        guard tooLarge == nil else { return }
        guard let error = error as? FrameTooLargeError else {
            fatalError("unexpected pipeline error: \(error)")
        }
        if tooLarge == nil {
            tooLarge = error
            processor.writeFrameTooLarge(error, into: &outbound)
        }
    }
}

/// What a well-behaved decoder must make of `bytes`: the complete frames before the first
/// oversized one, and whether an oversized prefix was seen.
func expectedFrames(in bytes: UnsafeRawBufferPointer) -> (complete: Int, oversized: Bool) {
    var offset = 0
    var complete = 0
    while bytes.count - offset >= 4 {
        let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
            | Int(bytes[offset + 3])
        if length > maximumFrameLength { return (complete, true) }
        guard bytes.count - offset - 4 >= length else { break }
        offset += 4 + length
        complete += 1
    }
    return (complete, false)
}

/// Reads `count` response frames from `buffer`, checking each decodes; nothing may be left over.
func checkResponses(_ buffer: ByteBuffer, count: Int, context: String) {
    var buffer = buffer
    for index in 0..<count {
        guard let length = buffer.readInteger(endianness: .big, as: UInt32.self),
            let body = buffer.readSlice(length: Int(length))
        else {
            fatalError("\(context): response \(index + 1) of \(count) is missing or truncated")
        }
        body.withUnsafeReadableBytes { bytes in
            do {
                _ = try WireCodec.decode(Response.self, from: bytes)
            } catch {
                fatalError("\(context): response \(index + 1) does not decode: \(error)")
            }
        }
    }
    precondition(buffer.readableBytes == 0, "\(context): \(buffer.readableBytes) bytes after \(count) responses")
}

/// 1. The connection pipeline.
func fuzzPipeline(_ bytes: UnsafeRawBufferPointer) {
    let handler = FuzzScoringHandler(processor: FrameProcessor(service: ScoringService(engine: engine), mayLabel: true))
    let channel = EmbeddedChannel()
    try! channel.pipeline.syncOperations.addHandlers([
        ByteToMessageHandler(FrameDecoder(maximumFrameLength: maximumFrameLength)),
        handler,
    ])
    let split = bytes.count / 2
    for part in [UnsafeRawBufferPointer(rebasing: bytes[..<split]), UnsafeRawBufferPointer(rebasing: bytes[split...])] {
        // The daemon closes the connection after an oversized frame: nothing more is read.
        if handler.tooLarge != nil { break }
        var buffer = channel.allocator.buffer(capacity: part.count)
        buffer.writeBytes(part)
        do {
            try channel.writeInbound(buffer)
        } catch {
            fatalError("writeInbound threw: \(error)")
        }
    }
    _ = try? channel.finish()

    let expected = expectedFrames(in: bytes)
    precondition(
        handler.frames == expected.complete,
        "pipeline: \(handler.frames) frames processed, \(expected.complete) complete frames in the input")
    precondition(
        (handler.tooLarge != nil) == expected.oversized,
        "pipeline: oversized frame \(expected.oversized ? "not " : "")reported")
    checkResponses(handler.outbound, count: expected.complete + (expected.oversized ? 1 : 0), context: "pipeline")
}

/// 2. One frame body straight into the processor (reused, as on a long-lived connection).
nonisolated(unsafe) let processor = FrameProcessor(service: ScoringService(engine: engine), mayLabel: true)
nonisolated(unsafe) var outbound = ByteBuffer()

func fuzzProcessor(_ bytes: UnsafeRawBufferPointer) {
    var frame = ByteBuffer()
    frame.writeBytes(bytes)
    outbound.clear()
    processor.answer(frame: frame, into: &outbound)
    checkResponses(outbound, count: 1, context: "process(frame:)")
}

/// 3. The allocating codec used by clients and tools.
func fuzzCodec(_ bytes: UnsafeRawBufferPointer) {
    if let request = try? WireCodec.decode(Request.self, from: bytes) {
        // The server peeks before it decodes: whatever decodes must peek, to the same id, with
        // a batch count that bounds the decoded one.
        let peek = RequestPeek(bytes)
        precondition(peek.isWellFormed, "a Request that decodes does not peek")
        precondition(peek.requestID == request.requestID, "the peek reads another request id")
        if case .scoreBatch(let transactions) = request.body {
            precondition(peek.batchTransactions >= transactions.count, "the peek undercounts a batch")
        }
        let encoded = WireCodec.encode(request)
        let again = encoded.withUnsafeBytes { try? WireCodec.decode(Request.self, from: $0) }
        guard let again else { fatalError("a decoded Request does not decode after re-encoding") }
        precondition(WireCodec.encode(again) == encoded, "Request re-encoding is not stable")
    }
    if let response = try? WireCodec.decode(Response.self, from: bytes) {
        let encoded = WireCodec.encode(response)
        let again = encoded.withUnsafeBytes { try? WireCodec.decode(Response.self, from: $0) }
        guard let again else { fatalError("a decoded Response does not decode after re-encoding") }
        precondition(WireCodec.encode(again) == encoded, "Response re-encoding is not stable")
    }
    _ = try? WireCodec.decode(Transaction.self, from: bytes)
    _ = try? WireCodec.decode(Feedback.self, from: bytes)
    _ = try? WireCodec.decode(FraudAlert.self, from: bytes)
}

/// 4. The socket door's borrowing decoder against protobuf-c: a request it takes, protobuf-c
/// must decode to the same values (`BorrowingDecoder`'s contract).
nonisolated(unsafe) let borrowingArena = MessageArena(capacity: 16 * 1024)

func fuzzBorrowingDecoder(_ bytes: UnsafeRawBufferPointer) {
    defer { borrowingArena.reset() }
    guard
        let borrowed = BorrowingDecoder.request(bytes, maximumRepeated: FrameProcessor.batchSlice, into: borrowingArena)
    else { return }
    guard let unpacked = Request.unpack(bytes, into: borrowingArena) else {
        fatalError("the borrowing decoder took a request protobuf-c refuses")
    }
    if let difference = firstDifference(borrowed, unpacked, layout: BorrowingDecoder.requestLayout) {
        fatalError("the borrowing decoder read \(difference) otherwise than protobuf-c")
    }
}

/// 5. A sales JSON value, as the Kafka door reads one: no crash (a value nested a million
/// deep once overflowed the scanner's stack), whatever the bytes.
func fuzzSalesJSON(_ bytes: UnsafeRawBufferPointer) {
    guard let event = try? SalesEventJSON.decode(bytes) else { return }
    _ = try? event.transaction()
}

func fuzzOne(_ bytes: UnsafeRawBufferPointer) {
    fuzzSalesJSON(bytes)
    fuzzPipeline(bytes)
    fuzzProcessor(bytes)
    fuzzCodec(bytes)
    fuzzBorrowingDecoder(bytes)
}

// MARK: - Seeds

/// Valid and nearly valid inputs for the seed corpus: request bodies of every kind, framed
/// streams of several requests, and a response.
func seedInputs() -> [(name: String, bytes: [UInt8])] {
    let full = Transaction(
        transactionID: "txn-0001", cardID: "tok_4f3a9c0d1e2b7a65", merchantID: "mch_104211", amountMinor: 12_999,
        currency: "USD", eventTimeMs: 1_793_491_200_000, location: GeoPoint(latitude: 40.7128, longitude: -74.0060),
        country: "US", deviceID: "dfp-9a8b7c6d5e4f3a2b", ipAddress: "203.0.113.7",
        userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        merchantCategory: "5732", paymentMethod: "credit_card", channel: .online)
    let minimal = Transaction(cardID: "c", merchantID: "m", amountMinor: 1, eventTimeMs: 1_793_491_200_000)
    var away = full
    away.transactionID = "txn-0002"
    away.eventTimeMs += 600_000
    away.location = GeoPoint(latitude: 35.68, longitude: 139.69)
    away.country = "JP"
    away.amountMinor = 250_000
    var invalid = full
    invalid.amountMinor = -5
    invalid.country = "USA"
    let feedback = Feedback(
        transactionID: "txn-0001", cardID: full.cardID, merchantID: full.merchantID, label: .fraud,
        eventTimeMs: full.eventTimeMs, reportedTimeMs: full.eventTimeMs + 86_400_000, amountMinor: full.amountMinor)
    let requests: [(String, Request)] = [
        ("score-full", Request(requestID: 1, body: .score(full))),
        ("score-minimal", Request(requestID: 2, body: .score(minimal))),
        ("score-away", Request(requestID: 3, body: .score(away))),
        ("score-invalid", Request(requestID: 4, body: .score(invalid))),
        ("batch", Request(requestID: 5, body: .scoreBatch([full, away, minimal, invalid]))),
        // Just over a slice, so the sliced decode and encode of a large batch (`LargeBatch`) run.
        ("batch-large", Request(requestID: 10, body: .scoreBatch(Array(repeating: minimal, count: FrameProcessor.batchSlice + 2)))),
        ("feedback", Request(requestID: 6, body: .feedback(feedback))),
        ("ping", Request(requestID: 7, body: .ping)),
        ("empty-body", Request(requestID: 8, body: nil)),
    ]
    var seeds = requests.map { ($0.0, WireCodec.encode($0.1)) }
    var stream = ByteBuffer()
    for (_, request) in requests { stream.writeFrame(WireCodec.encode(request)) }
    seeds.append(("stream-all", Array(stream.readableBytesView)))
    var pair = ByteBuffer()
    pair.writeFrame(WireCodec.encode(requests[0].1))
    pair.writeFrame(WireCodec.encode(requests[6].1))
    pair.writeBytes([0x00, 0x01, 0x00])  // a truncated third frame
    seeds.append(("stream-pair-truncated", Array(pair.readableBytesView)))
    var oversized = ByteBuffer()
    oversized.writeFrame(WireCodec.encode(requests[6].1))
    oversized.writeInteger(UInt32(maximumFrameLength + 1), endianness: .big)
    seeds.append(("stream-oversized", Array(oversized.readableBytesView)))
    let response = Response(requestID: 9, body: .error(WireError(code: .invalidArgument, message: "bad", field: "card_id")))
    seeds.append(("response-error", WireCodec.encode(response)))
    seeds.append(("sales-json", Array(SalesEventJSON.encode(full).utf8)))
    seeds.append(("sales-json-minimal", Array(SalesEventJSON.encode(minimal).utf8)))
    return seeds
}

/// Writes the seeds into `directory` as files named seed-NAME.
func writeSeeds(into directory: String) {
    for (name, bytes) in seedInputs() {
        let path = directory + "/seed-" + name
        guard let file = fopen(path, "wb") else {
            print("cannot write \(path)")
            exit(1)
        }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}

/// libFuzzer calls this once at start: with FRAME_FUZZER_WRITE_SEEDS=DIR it writes the seeds there.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    if let directory = getenv("FRAME_FUZZER_WRITE_SEEDS") {
        writeSeeds(into: String(cString: directory))
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

#if !FUZZING
/// Replays files (crash reproducers, corpus entries) through the same checks, without libFuzzer.
@main
enum FrameFuzzerReplay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        if paths.first == "--write-seeds", paths.count == 2 {
            writeSeeds(into: paths.last!)
            return
        }
        if paths.isEmpty {
            print("usage: FrameFuzzer FILE... | FrameFuzzer --write-seeds DIR")
            print("(build with -DFUZZING and --sanitize fuzzer to fuzz; see scripts/fuzz.sh)")
        }
        for path in paths {
            guard let file = fopen(path, "rb") else {
                print("cannot open \(path)")
                exit(1)
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let read = fread(&chunk, 1, chunk.count, file)
                if read <= 0 { break }
                bytes.append(contentsOf: chunk[..<read])
            }
            fclose(file)
            bytes.withUnsafeBytes { fuzzOne($0) }
            print("ok \(path) (\(bytes.count) bytes)")
        }
    }
}
#endif
