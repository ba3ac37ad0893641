import NIOCore
import StreamifyWire
import Testing

@testable import SocketDoor

/// What the input budget and the frame timeout see of a connection's stream.
@Suite("Frame boundaries")
struct FrameBoundaryTrackerTests {
    static func bytes(_ values: [UInt8]) -> ByteBuffer {
        ByteBufferAllocator().buffer(bytes: values)
    }

    static func prefix(_ length: UInt32) -> [UInt8] {
        withUnsafeBytes(of: length.bigEndian, Array.init)
    }

    @Test("a frame split across reads is held until its last byte, its prefix split too")
    func splitFrame() {
        var tracker = FrameBoundaryTracker(maximumFrameLength: 100)
        let frame = Self.prefix(10) + [UInt8](repeating: 7, count: 10)
        tracker.advance(over: Self.bytes(Array(frame[..<2])))
        #expect(tracker.isMidFrame && tracker.heldBytes == 2)
        tracker.advance(over: Self.bytes(Array(frame[2..<9])))
        #expect(tracker.isMidFrame && tracker.heldBytes == 9)
        tracker.advance(over: Self.bytes(Array(frame[9...]) + frame))
        #expect(!tracker.isMidFrame && tracker.heldBytes == 0 && tracker.framesCompleted == 2)
    }

    @Test("after a prefix over the limit nothing counts as held, however much follows")
    func oversizedFrameHoldsNothing() {
        for split in [false, true] {
            var tracker = FrameBoundaryTracker(maximumFrameLength: 100)
            let start = Self.prefix(5) + [1, 2, 3, 4, 5] + Self.prefix(0xFFFF_FFF0)
            if split {
                tracker.advance(over: Self.bytes(Array(start[..<12])))
                tracker.advance(over: Self.bytes(Array(start[12...])))
            } else {
                tracker.advance(over: Self.bytes(start))
            }
            for _ in 0..<100 {
                tracker.advance(over: Self.bytes([UInt8](repeating: 0, count: 10_000)))
            }
            #expect(tracker.sawOversizedFrame)
            #expect(tracker.heldBytes == 0 && !tracker.isMidFrame)
            #expect(tracker.framesCompleted == 1)
        }
    }
}
