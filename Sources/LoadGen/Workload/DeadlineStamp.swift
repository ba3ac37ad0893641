import Foundation
import NIOCore
import StreamifyWire

/// Gives a pre-encoded request frame a `deadline_ms` at send time: the intended send time plus a
/// budget, in Unix milliseconds. The field is appended to the `Request` (protobuf lets a field
/// come anywhere), so the workload stays encoded once; each stamped frame is a new buffer.
struct DeadlineStamp {
    /// `deadline_ms`'s key in `streamify.v1.Request`.
    private static let key = ProtobufWireReader.key(WireFieldNumbers.request.deadlineMs, .varint)
    /// The frame's length prefix: a 32-bit big-endian byte count.
    private static let prefixBytes = MemoryLayout<UInt32>.size

    /// Milliseconds a request may take from its intended send time.
    let budgetMilliseconds: Int64
    /// Unix time minus uptime, in nanoseconds: turns the schedule's uptime into wall-clock time.
    private let wallMinusUptimeNanos: Int64

    init(budgetMilliseconds: Int64, uptimeNanos: UInt64) {
        self.budgetMilliseconds = budgetMilliseconds
        let wall = Int64(Date().timeIntervalSince1970 * 1e9)
        self.wallMinusUptimeNanos = wall - Int64(uptimeNanos)
    }

    /// `frame` (length prefix and `Request`) with `deadline_ms` set for a request intended to be
    /// sent at `intendedNanos` (uptime).
    func stamp(_ frame: ByteBuffer, intendedNanos: UInt64) -> ByteBuffer {
        let deadline = (Int64(intendedNanos) + wallMinusUptimeNanos) / 1_000_000 + budgetMilliseconds
        let value = UInt64(bitPattern: deadline)
        let trailerBytes = ProtobufWireReader.varintSize(Self.key) + ProtobufWireReader.varintSize(value)
        let body = frame.getSlice(at: frame.readerIndex + Self.prefixBytes, length: frame.readableBytes - Self.prefixBytes)!
        var stamped = ByteBufferAllocator().buffer(capacity: frame.readableBytes + trailerBytes)
        stamped.writeInteger(UInt32(body.readableBytes + trailerBytes))
        stamped.writeImmutableBuffer(body)
        stamped.writeProtobufVarint(Self.key)
        stamped.writeProtobufVarint(value)
        return stamped
    }
}
