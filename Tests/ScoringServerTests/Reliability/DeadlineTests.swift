import Foundation
import ScoringTestSupport
import StreamifyWire
import Testing

/// Reliability: a request past its deadline is shed at once, unscored.
@Suite("Reliability: request deadlines (real binary, .offCooperativePool)")
struct DeadlineTests {
    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }

    @Test("a request past its deadline_ms, or less than an answer's hold before it, is answered DEADLINE_EXCEEDED and changes nothing")
    func pastDeadlineShed() throws {
        let daemon = try DaemonProcess.start()
        let connection = try RawConnection(unixPath: daemon.socketPath)
        let late = try connection.call(
            Request(requestID: 5, body: .score(Fixtures.transaction(1, card: "late")), deadlineMs: Self.nowMs() - 1))
        #expect(late.requestID == 5)
        #expect(Fixtures.error(late)?.code == .deadlineExceeded)
        // At most a millisecond away: the answer could be held past it, so it is not scored.
        let tooClose = try connection.call(
            Request(requestID: 8, body: .score(Fixtures.transaction(3, card: "close")), deadlineMs: Self.nowMs() + 1))
        #expect(Fixtures.error(tooClose)?.code == .deadlineExceeded)
        #expect(Fixtures.error(tooClose)?.message.contains("too close") == true)
        #expect(Fixtures.pong(try connection.call(Request(requestID: 6, body: .ping)))?.cardsTracked == 0, "nothing was scored")
        let timely = try connection.call(
            Request(requestID: 7, body: .score(Fixtures.transaction(2, card: "timely")), deadlineMs: Self.nowMs() + 60_000))
        #expect(Fixtures.breakdown(timely) != nil)
        #expect(daemon.terminate() == 0)
    }

    @Test("20,000 requests pipelined at once with a 250 ms budget: the backlog past it is shed, everything is answered")
    func backlogSheds() throws {
        // Only the deadline sheds here: queue-delay admission would take part of the backlog first.
        let daemon = try DaemonProcess.start(arguments: DaemonProcess.scoreEverything)
        let connection = try RawConnection(unixPath: daemon.socketPath, timeoutSeconds: 60)
        let count = 20_000
        // Encoded with a placeholder deadline of the same varint length, patched just before
        // sending: encoding takes longer than the budget.
        let placeholder = Self.nowMs()
        let frames: [[UInt8]] = (0..<count).map { index in
            RawConnection.frame(
                WireCodec.encode(
                    Request(
                        requestID: UInt64(index), body: .score(Fixtures.transaction(index, card: "c\(index % 2_000)")),
                        deadlineMs: placeholder)))
        }
        var bytes = frames.flatMap { $0 }
        var frameEnds: [Int] = []
        var end = 0
        for frame in frames {
            end += frame.count
            frameEnds.append(end)
        }
        let deadline = WireBytes.varint(UInt64(Self.nowMs() + 250))
        #expect(deadline.count == WireBytes.varint(UInt64(placeholder)).count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            // protobuf-c writes fields in number order: deadline_ms (7) comes last.
            for end in frameEnds {
                for (offset, byte) in deadline.enumerated() { buffer[end - deadline.count + offset] = byte }
            }
        }
        let started = Date()
        let stream = bytes
        Thread.detachNewThread { try? connection.send(stream) }
        var scored = 0
        var shed = 0
        for index in 0..<count {
            let response = try #require(try connection.receiveResponse(), "answer \(index)")
            #expect(response.requestID == UInt64(index))
            if Fixtures.breakdown(response) != nil {
                scored += 1
            } else if Fixtures.error(response)?.code == .deadlineExceeded {
                shed += 1
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("deadline backlog: \(scored) scored, \(shed) shed of \(count) in \(String(format: "%.3f", seconds)) s")
        #expect(scored + shed == count)
        #expect(scored > 0, "the head of the backlog is within its budget")
        #expect(shed > 0, "a 250 ms budget cannot cover 20,000 requests sent at once (in a debug build)")
        #expect(daemon.terminate() == 0)
    }
}
