import NIOCore

/// Thrown by `FrameDecoder` when a frame announces more bytes than the limit.
public struct FrameTooLargeError: Error, Hashable, CustomStringConvertible {
    /// Bytes the frame's length prefix announced.
    public var length: Int
    /// The decoder's `maximumFrameLength` that `length` exceeds.
    public var limit: Int

    /// Creates the error for a frame of `length` bytes over `limit`.
    public init(length: Int, limit: Int) {
        self.length = length
        self.limit = limit
    }

    public var description: String { "frame of \(length) bytes exceeds the limit of \(limit) bytes" }
}

/// What `FrameDecoder` tells the handlers after it when the input ends inside a frame: that
/// request cannot be answered, but a peer that only half-closed still reads, and is told why.
public struct FrameCutAtEndOfInput: Sendable, Hashable {
    /// Bytes of the cut frame received, its length prefix included (or part of it).
    public var receivedBytes: Int

    /// The event for a frame of which `receivedBytes` arrived.
    public init(receivedBytes: Int) {
        self.receivedBytes = receivedBytes
    }
}

/// Splits a byte stream into length-prefixed frames (see `Framing`), emitting each frame's body.
///
/// Unlike swift-nio-extras' `LengthFieldBasedFrameDecoder`, it enforces a maximum length as soon
/// as the prefix arrives, so a hostile peer cannot make the server buffer gigabytes.
public struct FrameDecoder: ByteToMessageDecoder {
    /// Each frame's body, without its length prefix.
    public typealias InboundOut = ByteBuffer

    /// The longest frame body accepted, in bytes (prefix not included); longer ones throw `FrameTooLargeError`.
    public let maximumFrameLength: Int

    /// Creates a decoder that refuses frames longer than `maximumFrameLength` bytes (at least 0).
    public init(maximumFrameLength: Int = Framing.defaultMaximumFrameLength) {
        precondition(maximumFrameLength >= 0)
        self.maximumFrameLength = maximumFrameLength
    }

    /// Emits the next frame's body once all of it has arrived; throws `FrameTooLargeError` as soon as a prefix announces too many bytes.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        let frameLength = Int(length)
        guard frameLength <= maximumFrameLength else {
            throw FrameTooLargeError(length: frameLength, limit: maximumFrameLength)
        }
        guard buffer.readableBytes >= Framing.headerLength + frameLength else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: Framing.headerLength)
        let frame = buffer.readSlice(length: frameLength)!
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// Emits the complete frames left at end of input, and drops a trailing partial frame with a
    /// `FrameCutAtEndOfInput` event: the request cannot be read, but a peer that half-closed
    /// still reads its answers.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            context.fireUserInboundEventTriggered(FrameCutAtEndOfInput(receivedBytes: buffer.readableBytes))
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
