import NIOCore

/// A run of requests for one connection, produced together.
final class WorkloadChunk: Sendable {
    let requests: [EncodedRequest]
    /// Every request's frame, back to back in request order: consecutive requests can be
    /// written as one slice.
    let frames: ByteBuffer
    /// Ground truth per transaction (`GroundTruth.code`, or `GroundTruth.unknownCode`).
    let truthCodes: [UInt8]
    let transactionCount: Int

    init(requests: [EncodedRequest], frames: ByteBuffer, truthCodes: [UInt8], transactionCount: Int) {
        self.requests = requests
        self.frames = frames
        self.truthCodes = truthCodes
        self.transactionCount = transactionCount
    }

    /// The frames from `start` up to `end` (offsets in `frames`), sharing their storage.
    func frames(from start: Int, to end: Int) -> ByteBuffer {
        frames.getSlice(at: start, length: end - start)!
    }

    /// `request`'s frame alone.
    func frame(of request: EncodedRequest) -> ByteBuffer {
        frames(from: request.frameOffset, to: request.frameEnd)
    }
}
