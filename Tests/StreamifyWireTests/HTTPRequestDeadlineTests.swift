import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import StreamifyWire

/// When `HTTPRequestDeadlineHandler` runs its deadline: only while the server waits on the peer.
@Suite("HTTP request deadline")
struct HTTPRequestDeadlineTests {
    /// How often a deadline fired.
    final class Fired: Sendable {
        private let count = Atomic<Int>(0)
        func add() { count.add(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    /// A channel with the handler over parts named by strings ("head", "body", "end"), and how
    /// often its deadline fired.
    static func channel() throws -> (EmbeddedChannel, Fired) {
        let fired = Fired()
        let handler = HTTPRequestDeadlineHandler<String, String>(
            timeout: .seconds(1), isRequestEnd: { $0 == "end" }, isResponseEnd: { $0 == "end" },
            onTimeout: { fired.add() })
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, fired)
    }

    @Test("idle before the first request, and a request that never ends, are closed")
    func waitsOnThePeer() throws {
        let (channel, fired) = try Self.channel()
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
        #expect(channel.isActive)
        try channel.writeInbound("head")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(!channel.isActive, "the head alone does not stop the deadline")
        #expect(fired.value == 1)
    }

    @Test(
        "a long answer is not under the deadline, nor are requests pipelined behind it; the next request is, from the last answer's end",
        arguments: [1, 2])
    func owedAnswers(pipelined requests: Int) throws {
        let (channel, fired) = try Self.channel()
        for _ in 0..<requests {
            try channel.writeInbound("head")
            try channel.writeInbound("end")
        }
        for _ in 1..<requests { try channel.writeOutbound("end") }
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive, "an answer owed (a live stream, say) is the server's wait")
        try channel.writeOutbound("end")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1100))
        #expect(!channel.isActive)
        #expect(fired.value == 1)
    }

    @Test("answered before its body ends, a request stays under the deadline, and the next one too")
    func earlyAnswer() throws {
        let (channel, _) = try Self.channel()
        try channel.writeInbound("head")
        try channel.writeOutbound("end")  // a 413, say
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
        try channel.writeInbound("body")
        try channel.writeInbound("end")
        // The deadline starts again at the request's end: the next request is awaited.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
        #expect(channel.isActive)
        try channel.writeInbound("head")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(!channel.isActive, "the next request's body never came")
    }
}
