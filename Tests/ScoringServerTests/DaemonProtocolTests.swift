import Foundation
import StreamifyWire
import ScoringTestSupport
import Testing

/// The real daemon binary over real sockets: the wire contract.
@Suite("Daemon wire protocol (real binary, real sockets, .offCooperativePool)")
struct DaemonProtocolTests {
    @Test("ping, score and feedback over the Unix socket and over TCP")
    func bothTransports() throws {
        let daemon = try DaemonProcess.start()
        for connection in [try RawConnection(unixPath: daemon.socketPath), try RawConnection(tcpPort: daemon.tcpPort)] {
            let pong = try #require(Fixtures.pong(try connection.call(Request(requestID: 7, body: .ping))))
            #expect(pong.version.hasPrefix("streamify-scoring"))
            #expect(pong.modelVersion == "handset-2026.11")

            let response = try connection.call(Request(requestID: 8, body: .score(Fixtures.transaction(1))))
            #expect(response.requestID == 8)
            let breakdown = try #require(Fixtures.breakdown(response))
            #expect(breakdown.transactionID == "tx-1")
            #expect(breakdown.factors.map(\.factor) == [.amount, .velocity, .geographic, .device, .pattern])
            #expect(breakdown.factors.allSatisfy { !$0.reason.isEmpty })
            #expect(abs(breakdown.factors.map(\.contribution).reduce(0, +) - breakdown.riskScore) < 1e-4)
            #expect(breakdown.level != .unspecified)

        }
        // Labels: the daemon's own user over the Unix socket may; an anonymous TCP peer may not.
        let label = Request(
            requestID: 9,
            body: .feedback(Feedback(transactionID: "tx-1", cardID: "card-1", label: .fraud, eventTimeMs: Fixtures.start, reportedTimeMs: Fixtures.start + 1_000)))
        #expect(Fixtures.error(try RawConnection(tcpPort: daemon.tcpPort).call(label))?.code == .unauthenticated)
        #expect(try RawConnection(unixPath: daemon.socketPath).call(label).body == .ack(.applied))
        // Confirmed fraud makes the card high risk from then on.
        let connection = try RawConnection(unixPath: daemon.socketPath)
        let after = try #require(Fixtures.breakdown(try connection.call(Request(requestID: 10, body: .score(Fixtures.transaction(30))))))
        #expect(after.level >= .high)
        #expect(after.factors[4].reason.hasPrefix("card has confirmed fraud"))
        #expect(daemon.terminate() == 0)
    }

    @Test("pipelined requests are answered in order, each echoing its request_id")
    func pipelining() throws {
        let daemon = try DaemonProcess.start(arguments: DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath)
        var bytes: [UInt8] = []
        let count = 2_000
        for index in 0..<count {
            let card = "card-\(index % 37)"
            bytes += RawConnection.frame(WireCodec.encode(Request(requestID: UInt64(1_000 + index), body: .score(Fixtures.transaction(index, card: card)))))
        }
        try connection.send(bytes)
        for index in 0..<count {
            let response = try #require(try connection.receiveResponse())
            #expect(response.requestID == UInt64(1_000 + index))
            #expect(Fixtures.breakdown(response)?.transactionID == "tx-\(index)")
        }
        let pong = try #require(Fixtures.pong(try connection.call(Request(requestID: 1, body: .ping))))
        #expect(pong.cardsTracked == 37)
        #expect(daemon.terminate() == 0)
    }

    @Test("a batch with a bad item in the middle answers every item, in order")
    func batchWithBadItem() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(tcpPort: daemon.tcpPort)
        var bad = Fixtures.transaction(1)
        bad.amountMinor = 0
        let batch = [Fixtures.transaction(0, card: "a"), bad, Fixtures.transaction(2, card: "b")]
        let response = try connection.call(Request(requestID: 5, body: .scoreBatch(batch)))
        guard case .breakdownBatch(let items) = response.body else {
            Issue.record("expected a batch, got \(response)")
            return
        }
        #expect(items.count == 3)
        guard items.count == 3 else { return }
        if case .breakdown(let first) = items[0] { #expect(first.transactionID == "tx-0") } else { Issue.record("item 0: \(items[0])") }
        if case .error(let error) = items[1] {
            #expect(error.code == .invalidArgument)
            #expect(error.field == "amount_minor")
        } else {
            Issue.record("item 1: \(items[1])")
        }
        if case .breakdown(let third) = items[2] { #expect(third.transactionID == "tx-2") } else { Issue.record("item 2: \(items[2])") }
        // The refused item touched no state: only cards a and b exist.
        #expect(Fixtures.pong(try connection.call(Request(requestID: 6, body: .ping)))?.cardsTracked == 2)
        #expect(daemon.terminate() == 0)
    }

    @Test("invalid fields are refused naming the field, and leave state untouched")
    func invalidArguments() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(unixPath: daemon.socketPath)
        let cases: [(String, (inout Transaction) -> Void)] = [
            ("card_id", { $0.cardID = "" }),
            ("card_id", { $0.cardID = String(repeating: "c", count: 65) }),
            ("merchant_id", { $0.merchantID = "" }),
            ("amount_minor", { $0.amountMinor = -1 }),
            ("event_time_ms", { $0.eventTimeMs = 0 }),
            ("location.latitude", { $0.location = GeoPoint(latitude: .nan, longitude: 1) }),
            ("location.longitude", { $0.location = GeoPoint(latitude: 1, longitude: 500) }),
            ("country", { $0.country = "United States" }),
        ]
        for (index, (field, mutate)) in cases.enumerated() {
            var transaction = Fixtures.transaction(index, card: "card-\(index)")
            mutate(&transaction)
            let error = try #require(Fixtures.error(try connection.call(Request(requestID: UInt64(index), body: .score(transaction)))))
            #expect(error.code == .invalidArgument)
            #expect(error.field == field)
        }
        #expect(Fixtures.pong(try connection.call(Request(requestID: 99, body: .ping)))?.cardsTracked == 0)
        #expect(daemon.terminate() == 0)
    }

    @Test("random bytes and empty requests are refused (MALFORMED) and the connection stays usable")
    func malformed() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(unixPath: daemon.socketPath)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            let garbage = (0..<(round * 13 % 200 + 1)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try connection.send(RawConnection.frame(garbage))
            let response = try #require(try connection.receiveResponse())
            // Random bytes occasionally form a valid Request with no body: MALFORMED too; or one
            // whose deadline_ms has passed, checked first: DEADLINE_EXCEEDED.
            let code = Fixtures.error(response)?.code
            #expect(code == .malformed || code == .deadlineExceeded, "\(response)")
        }
        try connection.send(RawConnection.frame([]))
        let empty = try #require(Fixtures.error(try connection.receiveResponse()))
        #expect(empty.code == .malformed)
        #expect(empty.message.contains("no body"))
        // A garbage frame that starts with field 1 still echoes its request_id.
        try connection.send(RawConnection.frame([0x08, 0x2A, 0x12, 0xFF, 0xFF]))
        #expect(try connection.receiveResponse()?.requestID == 42)
        #expect(Fixtures.pong(try connection.call(Request(requestID: 1, body: .ping))) != nil)
        #expect(daemon.terminate() == 0)
    }

    @Test("an oversized length is answered FRAME_TOO_LARGE and the connection closed")
    func frameTooLarge() throws {
        let daemon = try DaemonProcess.start(arguments: ["--max-frame-bytes", "4096"])
        let connection = try RawConnection(tcpPort: daemon.tcpPort)
        // A good request first, in the same write: it is still answered, in order.
        let good = RawConnection.frame(WireCodec.encode(Request(requestID: 1, body: .ping)))
        try connection.send(good + [0x00, 0x00, 0x10, 0x01])
        #expect(Fixtures.pong(try connection.receiveResponse()) != nil)
        let error = try #require(Fixtures.error(try connection.receiveResponse()))
        #expect(error.code == .frameTooLarge)
        #expect(error.message.contains("4097"))
        #expect(connection.isClosedByPeer())

        // Exactly at the limit is fine.
        let ok = try RawConnection(tcpPort: daemon.tcpPort)
        var padded = Fixtures.transaction(1)
        padded.userAgent = ""
        var request = Request(requestID: 3, body: .score(padded))
        let base = WireCodec.encode(request).count
        padded.transactionID = ""
        request = Request(requestID: 3, body: .scoreBatch(Array(repeating: padded, count: (4096 - 10) / base)))
        let frame = WireCodec.encode(request)
        #expect(frame.count <= 4096)
        try ok.send(RawConnection.frame(frame))
        #expect(try ok.receiveResponse()?.requestID == 3)
        #expect(daemon.terminate() == 0)
    }

    @Test("a truncated frame then close leaves the daemon serving others")
    func truncatedThenClose() throws {
        let daemon = try DaemonProcess.start()
        do {
            let rude = try RawConnection(unixPath: daemon.socketPath)
            try rude.send([0x00, 0x00, 0x01, 0x00, 0x08, 0x01])
        }
        let polite = try RawConnection(unixPath: daemon.socketPath)
        #expect(Fixtures.pong(try polite.call(Request(requestID: 1, body: .ping))) != nil)
        #expect(daemon.isRunning)
        #expect(daemon.terminate() == 0)
    }

    @Test("a healthy connection keeps being served while another misbehaves")
    func isolation() throws {
        let daemon = try DaemonProcess.start()
        let healthy = try RawConnection(tcpPort: daemon.tcpPort)
        // A slow loris holding half a frame, and a peer spraying garbage.
        let loris = try RawConnection(unixPath: daemon.socketPath)
        try loris.send([0x00, 0x00, 0x00, 0x40, 0x08])
        let sprayer = try RawConnection(unixPath: daemon.socketPath)
        for round in 0..<200 {
            try sprayer.send(RawConnection.frame([0xFF, UInt8(round & 0xFF), 0x00]))
            let response = try healthy.call(Request(requestID: UInt64(round), body: .score(Fixtures.transaction(round))))
            #expect(response.requestID == UInt64(round))
            #expect(Fixtures.breakdown(response) != nil)
        }
        for _ in 0..<200 { #expect(Fixtures.error(try sprayer.receiveResponse())?.code == .malformed) }
        #expect(daemon.terminate() == 0)
    }
}
