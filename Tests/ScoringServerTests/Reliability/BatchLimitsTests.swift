import Foundation
import ScoringClient
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: a batch is counted before it is decoded, and the client can take the largest answer.
@Suite("Reliability: batch limits (real binary, .offCooperativePool)")
struct BatchLimitsTests {
    @Test("524,283 empty transactions in one 1 MiB frame are refused before decoding, at no memory cost")
    func countedBeforeDecoding() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 10)
        #expect(Fixtures.pong(try connection.call(Request(requestID: 1, body: .ping))) != nil)
        let residentBefore = daemon.residentBytes

        // request_id 9, then score_batch as one field of empty transactions (2 bytes each).
        let count = 524_283
        let batchLength = 2 * count
        var body: [UInt8] = [0x08, 0x09, 0x1A]
        var length = batchLength
        while length >= 0x80 {
            body.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        body.append(UInt8(length))
        body += Array(repeating: [0x0A, 0x00], count: count).flatMap { $0 }
        #expect(body.count <= 1 << 20)

        for _ in 0..<5 {
            try connection.send(RawConnection.frame(body))
            let response = try #require(try connection.receiveResponse())
            #expect(response.requestID == 9)
            let error = try #require(Fixtures.error(response))
            #expect(error.code == .invalidArgument)
            #expect(error.field == "score_batch.transactions")
            #expect(error.message.contains("524283"))
        }
        let grown = daemon.residentBytes - residentBefore
        #expect(grown < 16 << 20, "resident memory grew by \(grown) bytes")
        #expect(daemon.terminate() == 0)
    }

    @Test("ScoringClient takes the answer to a batch of the largest allowed size (10,000)")
    func clientFitsLargestAnswer() async throws {
        // Shedding off: on a busy host 10,000 transactions can estimate past --max-queue-delay.
        let daemon = try DaemonProcess.start(arguments: DaemonProcess.scoreEverything)
        let client = try await ScoringClient.connect(to: .unix(path: daemon.socketPath))
        let transactions = (0..<10_000).map { Fixtures.transaction($0, card: "card-\($0 % 500)") }
        let items = try await client.scoreBatch(transactions)
        #expect(items.count == 10_000)
        try await client.close()
        #expect(daemon.terminate() == 0)
    }
}
