import NIOCore
import StreamifyWire

/// Follows the length prefixes of a byte stream (see `Framing`) without buffering it, to tell
/// whether the stream currently stops in the middle of a frame.
///
/// `ConnectionDeadlineHandler` uses it to time how long a started frame takes to complete. The
/// walk hops from prefix to prefix, so its cost is per frame, not per byte; a prefix split
/// across reads is assembled a byte at a time.
struct FrameBoundaryTracker {
    /// The frame decoder's limit: a prefix announcing more ends the stream for the decoder, which
    /// throws and discards every later byte, so from there on nothing is held or timed.
    let maximumFrameLength: Int
    /// Whether a prefix announced more than `maximumFrameLength`: the rest is not followed.
    private(set) var sawOversizedFrame = false
    /// Bytes of the current frame's body still to come.
    private var bodyRemaining = 0
    /// Bytes of the current length prefix seen so far (0 between frames).
    private var prefixBytesSeen = 0
    private var prefix: UInt32 = 0
    /// The current frame's body length, once its prefix is complete.
    private var bodyLength = 0

    /// Frames whose last byte has been seen.
    private(set) var framesCompleted = 0

    /// Whether the bytes seen so far end inside a frame (its prefix or its body).
    var isMidFrame: Bool { bodyRemaining > 0 || prefixBytesSeen > 0 }

    /// Bytes of the frame the stream stops inside, received so far (0 between frames): what the
    /// frame decoder holds for it.
    var heldBytes: Int {
        if prefixBytesSeen > 0 { return prefixBytesSeen }
        return bodyRemaining > 0 ? Framing.headerLength + bodyLength - bodyRemaining : 0
    }

    /// Follows a stream whose frames the decoder takes up to `maximumFrameLength` bytes long.
    init(maximumFrameLength: Int) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// Accounts for `buffer`'s readable bytes, the next part of the stream.
    mutating func advance(over buffer: ByteBuffer) {
        var index = buffer.readerIndex
        let end = buffer.writerIndex
        while index < end, !sawOversizedFrame {
            if bodyRemaining > 0 {
                let step = min(bodyRemaining, end - index)
                bodyRemaining -= step
                index += step
                if bodyRemaining == 0 { framesCompleted &+= 1 }
            } else if prefixBytesSeen == 0, end - index >= Framing.headerLength {
                bodyRemaining = Int(buffer.getInteger(at: index, endianness: .big, as: UInt32.self)!)
                bodyLength = bodyRemaining
                index += Framing.headerLength
                checkLength()
                if bodyRemaining == 0 && !sawOversizedFrame { framesCompleted &+= 1 }
            } else {
                prefix = prefix << 8 | UInt32(buffer.getInteger(at: index, as: UInt8.self)!)
                prefixBytesSeen += 1
                index += 1
                if prefixBytesSeen == Framing.headerLength {
                    bodyRemaining = Int(prefix)
                    bodyLength = bodyRemaining
                    prefixBytesSeen = 0
                    prefix = 0
                    checkLength()
                    if bodyRemaining == 0 && !sawOversizedFrame { framesCompleted &+= 1 }
                }
            }
        }
    }

    /// Stops following the stream at a prefix over the limit: the decoder refuses that frame and
    /// holds none of its bytes, and the connection is ended for it.
    private mutating func checkLength() {
        guard bodyLength > maximumFrameLength else { return }
        sawOversizedFrame = true
        bodyRemaining = 0
        bodyLength = 0
    }
}
