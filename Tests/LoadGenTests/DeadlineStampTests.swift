import Foundation
import NIOCore
import StreamifyWire
import Testing

@testable import LoadGen

@Suite("Deadline stamp: --deadline sets deadline_ms on pre-encoded frames")
struct DeadlineStampTests {
    @Test("the stamped frame decodes to the same request, due the budget after its intended send time")
    func stampedFrameDecodes() throws {
        let request = Request(
            requestID: 77,
            body: .score(Transaction(transactionID: "t", cardID: "c", merchantID: "m", amountMinor: 1_250, eventTimeMs: 1_793_628_000_000)))
        let body = WireCodec.encode(request)
        var frame = ByteBufferAllocator().buffer(capacity: body.count + 4)
        frame.writeInteger(UInt32(body.count))
        frame.writeBytes(body)

        let uptime = NIODeadline.now().uptimeNanoseconds
        let stamp = DeadlineStamp(budgetMilliseconds: 5, uptimeNanos: uptime)
        let wallNow = Int64(Date().timeIntervalSince1970 * 1_000)
        // Intended 2 s ago (a request that waited): due 2 s - 5 ms ago.
        var stamped = stamp.stamp(frame, intendedNanos: uptime - 2_000_000_000)
        let prefix = stamped.readInteger(as: UInt32.self)
        let length = try #require(prefix)
        #expect(Int(length) == stamped.readableBytes)
        let decoded = try stamped.readBytes(length: Int(length))!.withUnsafeBytes { try WireCodec.decode(Request.self, from: $0) }
        #expect(decoded.requestID == 77 && decoded.body == request.body)
        #expect(abs(decoded.deadlineMs - (wallNow - 2_000 + 5)) <= 20)
        #expect(frame.readableBytes == body.count + 4, "the pre-encoded frame is left as it was")
    }
}
