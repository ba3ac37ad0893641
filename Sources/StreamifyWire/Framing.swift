import NIOCore

/// Framing shared by both directions: a 4-byte unsigned big-endian length, then that many bytes.
public enum Framing {
    /// Bytes in the length prefix.
    public static let headerLength = 4
    /// The server's default limit on a frame's length (the prefix not included).
    public static let defaultMaximumFrameLength = 1 << 20
    /// A client's default limit on a response frame: room for the answer to the largest batch a
    /// server allows by default (10,000 breakdowns of five reasons each, under 2 KB apiece,
    /// about 3 MB in practice) with margin. Responses come from the server the client chose, so
    /// the limit only guards against a broken stream, not a hostile peer.
    public static let defaultMaximumResponseLength = 64 << 20

    /// `body` as one frame: its length prefix, then the bytes.
    public static func frame(_ body: some Collection<UInt8>) -> [UInt8] {
        var frame = ByteBuffer()
        frame.reserveCapacity(headerLength + body.count)
        frame.writeFrame(body)
        return Array(frame.readableBytesView)
    }
}

extension ByteBuffer {
    /// Appends `bytes` as one frame.
    @inlinable
    public mutating func writeFrame(_ bytes: some Collection<UInt8>) {
        writeInteger(UInt32(bytes.count), endianness: .big)
        writeBytes(bytes)
    }

    /// Appends a frame whose body `body` writes, back-patching the length prefix.
    ///
    /// - Returns: the body's length.
    @inlinable
    @discardableResult
    public mutating func writeFrame(_ body: (inout ByteBuffer) throws -> Void) rethrows -> Int {
        let headerIndex = writerIndex
        writeInteger(UInt32(0), endianness: .big)
        try body(&self)
        let length = writerIndex - headerIndex - Framing.headerLength
        setInteger(UInt32(length), at: headerIndex, endianness: .big)
        return length
    }
}
