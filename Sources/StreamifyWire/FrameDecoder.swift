import NIOCore

/// Thrown by `FrameDecoder` when a frame announces more bytes than the limit.
public struct FrameTooLargeError: Error, Hashable, CustomStringConvertible {
    public var length: Int
    public var limit: Int

    public init(length: Int, limit: Int) {
        self.length = length
        self.limit = limit
    }

    public var description: String { "frame of \(length) bytes exceeds the limit of \(limit) bytes" }
}

/// Splits a byte stream into length-prefixed frames (see `Framing`), emitting each frame's body.
///
/// Unlike swift-nio-extras' `LengthFieldBasedFrameDecoder`, it enforces a maximum length as soon
/// as the prefix arrives, so a hostile peer cannot make the server buffer gigabytes.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let maximumFrameLength: Int

    public init(maximumFrameLength: Int = Framing.defaultMaximumFrameLength) {
        precondition(maximumFrameLength >= 0)
        self.maximumFrameLength = maximumFrameLength
    }

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

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial frame left at EOF is dropped: the peer is gone and cannot be answered.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
