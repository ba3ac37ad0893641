// memory-report: fills a RiskEngine (default EngineConfiguration) with the 1M-card workload and
// reports resident memory and table bytes per card.
//
//   cd Benchmarks && swift run -c release memory-report [--cards N] [--frames]
//
// --frames sends the warm-up through FrameProcessor (protobuf-c decode, validation, scoring,
// response encoding), i.e. the daemon's request path minus NIO, instead of RiskEngine.score.

import NIOCore
import ScoringDaemon
import ScoringModel
import StreamifyWire
import Workload

#if canImport(Glibc)
import Glibc
#endif

var cards = 1_000_000
var throughFrames = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--cards": cards = Int(arguments.popFirst() ?? "") ?? cards
    case "--frames": throughFrames = true
    default:
        print("usage: memory-report [--cards N] [--frames]")
        exit(2)
    }
}

func megabytes(_ bytes: Int?) -> String {
    guard let bytes else { return "n/a" }
    let tenths = (bytes * 10 + 524_288) / 1_048_576
    return "\(tenths / 10).\(tenths % 10) MiB"
}

func rss() -> Int? { ProcessMemory.status("VmRSS") }

/// glibc's malloc_trim (not in the Glibc module): returns freed heap pages to the kernel.
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> CInt

func trim() {
    #if canImport(Glibc)
    _ = glibcMallocTrim(0)
    #endif
}

let workload = Workload(cards: cards)
let rssAtStart = rss()
print("cards: \(cards), devices: \(workload.deviceCount), merchants: \(workload.merchantCount)")
print("entry strides: CardState \(MemoryLayout<CardState>.stride) B, DeviceState \(MemoryLayout<DeviceState>.stride) B, MerchantState \(MemoryLayout<MerchantState>.stride) B")
print("VmRSS at start:                 \(megabytes(rssAtStart))")

let configuration = EngineConfiguration()
let engine = RiskEngine(configuration: configuration)
let rssEmpty = rss()
print("VmRSS with an empty engine:     \(megabytes(rssEmpty))")

let clock = ContinuousClock()
let began = clock.now
var transactions = 0
if throughFrames {
    let processor = FrameProcessor(engine: engine)
    var outbound = ByteBufferAllocator().buffer(capacity: 64 * 1024)
    var frame = ByteBufferAllocator().buffer(capacity: 1024)
    workload.forEachWarmUpTransaction { index, transaction in
        frame.clear()
        frame.writeBytes(WireCodec.encode(Request(requestID: UInt64(index + 1), body: .score(transaction))))
        outbound.clear()
        processor.process(frame: frame, into: &outbound)
        transactions += 1
    }
    precondition(processor.counters.transactions == transactions, "some warm-up frames were refused")
} else {
    transactions = workload.warm(engine)
}
let elapsed = clock.now - began
let rssFilled = rss()
trim()
let rssTrimmed = rss()

let cardCount = engine.cards.count
let deviceCount = engine.devices.count
let merchantCount = engine.merchants.count
let cardBytes = engine.cards.allocatedBytes
let deviceBytes = engine.devices.allocatedBytes
let merchantBytes = engine.merchants.allocatedBytes
let tableBytes = cardBytes + deviceBytes + merchantBytes

print("warm-up: \(transactions) transactions in \(elapsed) (\(throughFrames ? "FrameProcessor.process" : "RiskEngine.score"))")
print("tracked: \(cardCount) cards, \(deviceCount) devices, \(merchantCount) merchants")
print("evicted/expired: cards \(engine.cards.evictionCounts), devices \(engine.devices.evictionCounts), merchants \(engine.merchants.evictionCounts)")
print("allocatedBytes: cards \(megabytes(cardBytes)), devices \(megabytes(deviceBytes)), merchants \(megabytes(merchantBytes)), total \(megabytes(tableBytes))")
print("card table bytes per card:      \(cardBytes / max(cardCount, 1)) B")
print("all tables, bytes per card:     \(tableBytes / max(cardCount, 1)) B")
print("VmRSS after fill:               \(megabytes(rssFilled))")
print("VmRSS after malloc_trim(0):     \(megabytes(rssTrimmed))")
print("VmHWM (peak):                   \(megabytes(ProcessMemory.status("VmHWM")))")
if let rssTrimmed, let rssEmpty {
    print("RSS growth per card (trimmed):  \((rssTrimmed - rssEmpty) / max(cardCount, 1)) B")
}
withExtendedLifetime(engine) {}
