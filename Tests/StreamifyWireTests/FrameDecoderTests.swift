import NIOCore
import NIOEmbedded
import StreamifyWire
import Testing

@Suite("Length-prefixed framing")
struct FrameDecoderTests {
    private func channel(limit: Int = 64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameLength: limit)))
        return channel
    }

    private func frame(_ body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeFrame(body)
        return buffer
    }

    private func readFrames(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) {
            frames.append(Array(frame.readableBytesView))
        }
        return frames
    }

    @Test("a frame split across reads arrives whole, once")
    func splitAcrossReads() throws {
        let channel = try channel()
        let bytes = Array(frame([1, 2, 3, 4, 5, 6, 7]).readableBytesView)
        for byte in bytes {
            #expect(try readFrames(channel).isEmpty)
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try readFrames(channel) == [[1, 2, 3, 4, 5, 6, 7]])
        #expect(try channel.finish().isClean)
    }

    @Test("many frames in one read, including empty ones")
    func manyFramesInOneRead() throws {
        let channel = try channel()
        var buffer = ByteBuffer()
        let bodies: [[UInt8]] = (0..<50).map { index in Array(repeating: UInt8(index), count: index % 7) }
        for body in bodies { buffer.writeFrame(body) }
        try channel.writeInbound(buffer)
        #expect(try readFrames(channel) == bodies)
        #expect(try channel.finish().isClean)
    }

    @Test("a frame of exactly the limit is accepted")
    func exactLimit() throws {
        let channel = try channel(limit: 64)
        try channel.writeInbound(frame(Array(repeating: 7, count: 64)))
        #expect(try readFrames(channel) == [Array(repeating: 7, count: 64)])
    }

    @Test("limit + 1 is refused as soon as the length prefix arrives")
    func overLimit() throws {
        let channel = try channel(limit: 64)
        var header = ByteBuffer()
        header.writeInteger(UInt32(65), endianness: .big)
        #expect(throws: FrameTooLargeError(length: 65, limit: 64)) {
            try channel.writeInbound(header)
        }
    }

    @Test("a huge announced length is refused without buffering")
    func hugeLength() throws {
        let channel = try channel(limit: 1 << 20)
        var header = ByteBuffer()
        header.writeInteger(UInt32.max, endianness: .big)
        #expect(throws: FrameTooLargeError.self) { try channel.writeInbound(header) }
    }

    @Test("a truncated frame at end of stream is dropped, not delivered")
    func truncatedAtEOF() throws {
        let channel = try channel()
        var buffer = frame([9, 9])
        buffer.writeInteger(UInt32(10), endianness: .big)
        buffer.writeBytes([1, 2, 3])
        try channel.writeInbound(buffer)
        #expect(try readFrames(channel) == [[9, 9]])
        _ = try? channel.finish()
        #expect(try readFrames(channel).isEmpty)
    }
}
