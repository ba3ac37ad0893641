import Foundation
import NIOCore
import StreamifyWire

/// Gives a pre-encoded request frame a `deadline_ms` at send time: the intended send time plus a
/// budget, in Unix milliseconds. The field is appended to the `Request` (protobuf lets a field
/// come anywhere), so the workload stays encoded once; each stamped frame is a new buffer.
struct DeadlineStamp {
    /// `deadline_ms`'s key in `streamify.v1.Request`: its field number, wire type 0 (varint).
    private static let key = WireFieldNumbers.request.deadlineMs << 3
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
        var trailer: [UInt8] = []
        Self.appendVarint(Self.key, to: &trailer)
        Self.appendVarint(UInt64(deadline), to: &trailer)
        let body = frame.getSlice(at: frame.readerIndex + Self.prefixBytes, length: frame.readableBytes - Self.prefixBytes)!
        var stamped = ByteBufferAllocator().buffer(capacity: frame.readableBytes + trailer.count)
        stamped.writeInteger(UInt32(body.readableBytes + trailer.count))
        stamped.writeImmutableBuffer(body)
        stamped.writeBytes(trailer)
        return stamped
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
