// memory-report: fills a RiskEngine (default EngineConfiguration) with the 1M-card population and
// reports resident memory and table bytes per card.
//
//   cd Benchmarks && swift run -c release memory-report [--cards N] [--frames]
//
// --frames sends the warm-up through FrameProcessor (protobuf-c decode, validation, scoring,
// response encoding), i.e. the daemon's request path minus NIO, instead of RiskEngine.score.

import NIOCore
import ScoringEngine
import SocketDoor
import ScoringModel
import StreamifyWire
import BenchmarkSupport
import SyntheticWorld

#if canImport(Glibc)
import Glibc
#endif

var cards = 1_000_000
var throughFrames = false
/// EngineConfiguration.maximumLoggedTransactions: the outcome log the challenger learns from and
/// is judged by (the daemon's default is 1,000,000).
var loggedTransactions = 0
var daemonSocket: String?
var daemonPID: Int32?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--cards": cards = Int(arguments.popFirst() ?? "") ?? cards
    case "--frames": throughFrames = true
    case "--logged-transactions": loggedTransactions = Int(arguments.popFirst() ?? "") ?? loggedTransactions
    case "--daemon-socket": daemonSocket = arguments.popFirst()
    case "--daemon-pid": daemonPID = arguments.popFirst().flatMap { Int32($0) }
    default:
        print("usage: memory-report [--cards N] [--frames] [--logged-transactions N] | --daemon-socket PATH --daemon-pid PID [--cards N]")
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

let population = CardPopulation(cards: cards)

// MARK: - A running daemon

/// Sends the warm-up to a running scoring-server over its Unix socket, in score_batch frames of
/// 1,000 transactions (each answered before the next is sent), and reports the daemon's memory.
@MainActor
func fillDaemon(socketPath: String, pid: Int32) -> Never {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket() failed")
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { path in
        let bytes = Array(socketPath.utf8)
        precondition(bytes.count < path.count, "socket path too long")
        path.copyBytes(from: bytes)
        path[bytes.count] = 0
    }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    precondition(connected == 0, "cannot connect to \(socketPath)")

    func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            precondition(written > 0, "write failed")
            offset += written
        }
    }
    func readExactly(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes[offset...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            precondition(got > 0, "daemon closed the connection")
            offset += got
        }
        return bytes
    }

    let rssBefore = ProcessMemory.status("VmRSS", pid: pid)
    print("daemon pid \(pid): VmRSS before fill: \(megabytes(rssBefore))")
    var batch: [Transaction] = []
    var requestID: UInt64 = 0
    var scored = 0
    var refused = 0
    func flush() {
        guard !batch.isEmpty else { return }
        requestID += 1
        let body = WireCodec.encode(Request(requestID: requestID, body: .scoreBatch(batch)))
        var frame = [UInt8]()
        frame.reserveCapacity(body.count + 4)
        withUnsafeBytes(of: UInt32(body.count).bigEndian) { frame.append(contentsOf: $0) }
        frame.append(contentsOf: body)
        writeAll(frame)
        let header = readExactly(4)
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        let response = readExactly(length).withUnsafeBytes { try? WireCodec.decode(Response.self, from: $0) }
        if case .breakdownBatch(let items)? = response?.body {
            for item in items {
                if case .breakdown = item { scored += 1 } else { refused += 1 }
            }
        } else {
            refused += batch.count
        }
        batch.removeAll(keepingCapacity: true)
    }
    let clock = ContinuousClock()
    let began = clock.now
    population.forEachWarmUpTransaction { _, transaction in
        batch.append(transaction)
        if batch.count == 1_000 { flush() }
    }
    flush()
    let elapsed = clock.now - began
    close(fd)
    let rssAfter = ProcessMemory.status("VmRSS", pid: pid)
    print("sent \(scored + refused) transactions in \(elapsed): \(scored) scored, \(refused) refused")
    print("daemon VmRSS after fill:        \(megabytes(rssAfter))")
    print("daemon VmHWM (peak):            \(megabytes(ProcessMemory.status("VmHWM", pid: pid)))")
    if let rssBefore, let rssAfter {
        print("daemon RSS growth per card:     \((rssAfter - rssBefore) / max(cards, 1)) B")
    }
    exit(refused == 0 ? 0 : 1)
}

if let daemonSocket {
    guard let daemonPID else {
        print("--daemon-socket needs --daemon-pid")
        exit(2)
    }
    fillDaemon(socketPath: daemonSocket, pid: daemonPID)
}
let rssAtStart = rss()
print("cards: \(cards), devices: \(population.deviceCount), merchants: \(population.merchantCount)")
print("entry strides: CardState \(MemoryLayout<CardState>.stride) B, DeviceState \(MemoryLayout<DeviceState>.stride) B, MerchantState \(MemoryLayout<MerchantState>.stride) B")
print("VmRSS at start:                 \(megabytes(rssAtStart))")

var configuration = EngineConfiguration()
configuration.maximumLoggedTransactions = loggedTransactions
let engine = RiskEngine(configuration: configuration)
let rssEmpty = rss()
print("VmRSS with an empty engine:     \(megabytes(rssEmpty))")

let clock = ContinuousClock()
let began = clock.now
var transactions = 0
if throughFrames {
    let processor = FrameProcessor(service: ScoringService(engine: engine), mayLabel: true)
    var outbound = ByteBufferAllocator().buffer(capacity: 64 * 1024)
    var frame = ByteBufferAllocator().buffer(capacity: 1024)
    population.forEachWarmUpTransaction { index, transaction in
        frame.clear()
        frame.writeBytes(WireCodec.encode(Request(requestID: UInt64(index + 1), body: .score(transaction))))
        outbound.clear()
        processor.process(frame: frame, into: &outbound)
        transactions += 1
    }
    precondition(processor.counters.transactions == transactions, "some warm-up frames were refused")
} else {
    transactions = population.warm(engine)
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
print("tracked: \(cardCount) cards, \(deviceCount) devices, \(merchantCount) merchants, \(engine.outcomes?.count ?? 0) logged transactions (OutcomeEntry \(MemoryLayout<OutcomeEntry>.stride) B)")
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
