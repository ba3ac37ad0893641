#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CStreamifyProto
import NIOCore
import ScoringEngine
import ScoringModel
import StreamifyWire

/// Encodes scored transactions' answers by hand, straight into the outbound buffer: a single
/// transaction's `Response` frame holding its `RiskBreakdown`, and each `BatchItem` of a batch's
/// `BreakdownBatch` (`Envelope`), then the batch's `Response` frame around them.
///
/// The bytes are those protobuf-c packs from the structs `BreakdownBuilder` makes: fields in
/// number order, proto3 defaults (0, empty) left out, the same truncated reasons
/// (`BreakdownFrameWriterTests` compares the two on every explain level and on edge values). It
/// skips what the general path costs: building the structs in an arena, protobuf-c sizing the
/// whole tree through its descriptors (a `strlen` per reason), then walking it again to pack it
/// and moving each breakdown once its length is known (docs/performance.md §22). Errors, and
/// every other answer, still go through protobuf-c.
///
/// One per connection; not thread-safe.
final class BreakdownFrameWriter {
    /// Each field's key (its number, from the descriptors, and its wire type), made once.
    private struct Keys {
        let requestID: UInt64
        let breakdown: UInt64
        let transactionID: UInt64
        let riskScore: UInt64
        let level: UInt64
        let factors: UInt64
        let modelVersion: UInt64
        let serverTime: UInt64
        let factor: UInt64
        let score: UInt64
        let weight: UInt64
        let contribution: UInt64
        let reason: UInt64
        let batch: UInt64
        let batchItems: UInt64
        let itemBreakdown: UInt64

        init(response: WireFieldNumbers.Response, breakdown number: WireFieldNumbers.Breakdown) {
            typealias Wire = ProtobufWireReader
            requestID = Wire.key(response.requestID, .varint)
            breakdown = Wire.key(response.breakdown, .lengthDelimited)
            transactionID = Wire.key(number.transactionID, .lengthDelimited)
            riskScore = Wire.key(number.riskScore, .fixed32)
            level = Wire.key(number.level, .varint)
            factors = Wire.key(number.factors, .lengthDelimited)
            modelVersion = Wire.key(number.modelVersion, .lengthDelimited)
            serverTime = Wire.key(number.serverTime, .varint)
            factor = Wire.key(number.factor, .varint)
            score = Wire.key(number.score, .fixed32)
            weight = Wire.key(number.weight, .fixed32)
            contribution = Wire.key(number.contribution, .fixed32)
            reason = Wire.key(number.reason, .lengthDelimited)
            batch = Wire.key(response.breakdownBatch, .lengthDelimited)
            batchItems = Wire.key(response.batchItems, .lengthDelimited)
            itemBreakdown = Wire.key(response.itemBreakdown, .lengthDelimited)
        }
    }

    private let keys = Keys(response: WireFieldNumbers.response, breakdown: WireFieldNumbers.breakdown)
    private static let factorCount = RiskFactor.allCases.count
    /// Each factor's reason, rendered before the sizes can be known.
    private let reasons: UnsafeMutableRawPointer

    init() {
        reasons = .allocate(byteCount: Self.factorCount * BreakdownBuilder.reasonCapacity, alignment: 1)
    }

    deinit {
        reasons.deallocate()
    }

    /// What a breakdown is written inside.
    enum Envelope {
        /// The whole answer to request `requestID`: a length-prefixed `Response` frame.
        case frame(requestID: UInt64)
        /// One `BatchItem` of a `BreakdownBatch`, key and length included; the items go into the
        /// batch's answer with `writeBatchAnswer`.
        case batchItem
    }

    /// Appends the breakdown of `assessment` for the transaction `transactionID`, scored by
    /// `modelVersion` in `serverTimeMicroseconds`, with the reasons `explain` asks for, inside
    /// `envelope`.
    func write(
        _ envelope: Envelope,
        _ assessment: RiskAssessment,
        transactionID: UnsafeRawBufferPointer,
        modelVersion: String,
        explain: Explain,
        serverTimeMicroseconds: UInt32,
        into outbound: inout ByteBuffer
    ) {
        // Spans taken once: indexing the inline arrays directly would copy them at every read.
        let outcomes = assessment.factors.span
        let explained = BreakdownBuilder.explained(outcomes, explain)
        var reasonLengths = FactorSlots<Int>(repeating: 0)
        var factorSizes = FactorSlots<Int>(repeating: 0)
        var factorsSize = 0
        for factor in RiskFactor.allCases {
            let index = factor.rawValue
            let outcome = outcomes[index]
            let reasonLength = explained.contains(index) ? render(outcome, at: index) : 0
            let size =
                Self.varintFieldSize(keys.factor, UInt64(factor.wireNumber))
                + Self.floatFieldSize(keys.score, outcome.score) + Self.floatFieldSize(keys.weight, outcome.weight)
                + Self.floatFieldSize(keys.contribution, outcome.contribution)
                + Self.bytesFieldSize(keys.reason, reasonLength)
            reasonLengths[index] = reasonLength
            factorSizes[index] = size
            factorsSize += Self.messageFieldSize(keys.factors, size)
        }
        var version = modelVersion
        version.withUTF8 { versionBytes in
            // protobuf-c reads the version as a C string: it ends at a NUL, if it holds one.
            let versionLength = Self.cString(versionBytes.baseAddress, count: versionBytes.count)
            let breakdownSize =
                Self.bytesFieldSize(keys.transactionID, transactionID.count)
                + Self.floatFieldSize(keys.riskScore, assessment.score)
                + Self.varintFieldSize(keys.level, UInt64(truncatingIfNeeded: Int64(assessment.level.rawValue)))
                + factorsSize + Self.bytesFieldSize(keys.modelVersion, versionLength)
                + Self.varintFieldSize(keys.serverTime, UInt64(serverTimeMicroseconds))
            // The envelope's size (the length prefix of a frame, the key and length of an item) and its content's.
            let (size, contentSize): (Int, Int)
            switch envelope {
            case .frame(let requestID):
                contentSize = Self.varintFieldSize(keys.requestID, requestID) + Self.messageFieldSize(keys.breakdown, breakdownSize)
                size = MemoryLayout<UInt32>.size + contentSize
            case .batchItem:
                contentSize = Self.messageFieldSize(keys.itemBreakdown, breakdownSize)
                size = Self.messageFieldSize(keys.batchItems, contentSize)
            }
            _ = outbound.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
                var out = FieldWriter(memory.baseAddress!)
                switch envelope {
                case .frame(let requestID):
                    out.bigEndian(UInt32(contentSize))
                    out.varintField(keys.requestID, requestID)
                    out.lengthPrefix(keys.breakdown, breakdownSize)
                case .batchItem:
                    out.lengthPrefix(keys.batchItems, contentSize)
                    out.lengthPrefix(keys.itemBreakdown, breakdownSize)
                }
                out.bytesField(keys.transactionID, transactionID.baseAddress, transactionID.count)
                out.floatField(keys.riskScore, assessment.score)
                out.varintField(keys.level, UInt64(truncatingIfNeeded: Int64(assessment.level.rawValue)))
                for factor in RiskFactor.allCases {
                    let index = factor.rawValue
                    let outcome = outcomes[index]
                    out.lengthPrefix(keys.factors, factorSizes[index])
                    out.varintField(keys.factor, UInt64(factor.wireNumber))
                    out.floatField(keys.score, outcome.score)
                    out.floatField(keys.weight, outcome.weight)
                    out.floatField(keys.contribution, outcome.contribution)
                    out.bytesField(
                        keys.reason, reasons + index * BreakdownBuilder.reasonCapacity, reasonLengths[index])
                }
                out.bytesField(keys.modelVersion, versionBytes.baseAddress, versionLength)
                out.varintField(keys.serverTime, UInt64(serverTimeMicroseconds))
                let written = out.cursor - memory.baseAddress!
                precondition(written == size, "a breakdown was sized \(size) bytes but \(written) were written")
                return written
            }
        }
    }

    /// Appends `item` (a protobuf-c `BatchItem`: an error) to the items of a batch's answer.
    func append(_ item: UnsafeMutablePointer<Streamify__V1__BatchItem>, to items: inout ByteBuffer) {
        let size = ProtobufCPacking.size(of: item)
        items.writeProtobufVarint(keys.batchItems)
        items.writeProtobufVarint(UInt64(size))
        items.writeProtobufCMessage(item, packedSize: size)
    }

    /// Appends the answer to batch request `requestID`: one `Response` frame whose
    /// `breakdown_batch` holds `items` (each with its key and length, as `write(.batchItem, …)`
    /// and `append(_:to:)` leave them), which it consumes.
    func writeBatchAnswer(requestID: UInt64, items: inout ByteBuffer, into outbound: inout ByteBuffer) {
        let itemBytes = items.readableBytes
        let size = Self.varintFieldSize(keys.requestID, requestID) + Self.messageFieldSize(keys.batch, itemBytes)
        _ = outbound.writeWithUnsafeMutableBytes(minimumWritableBytes: MemoryLayout<UInt32>.size + size) { memory in
            var out = FieldWriter(memory.baseAddress!)
            out.bigEndian(UInt32(size))
            out.varintField(keys.requestID, requestID)
            out.lengthPrefix(keys.batch, itemBytes)
            return out.cursor - memory.baseAddress!
        }
        outbound.writeBuffer(&items)
    }

    /// Renders factor `index`'s reason into its place in `reasons`; its length. A reason is
    /// printable ASCII, never a NUL (`SignalValueRangeTests` renders every kind with any
    /// values), so its length is the C string's protobuf-c would pack.
    @inline(__always)
    private func render(_ outcome: FactorOutcome, at index: Int) -> Int {
        BreakdownBuilder.render(outcome, into: reasons + index * BreakdownBuilder.reasonCapacity)
    }

    /// How many of the `count` bytes at `bytes` protobuf-c packs from them as a C string: up to
    /// the first NUL. With memchr: `firstIndex(of:)`, a byte loop, was a third of this writer.
    @inline(__always)
    private static func cString(_ bytes: UnsafeRawPointer?, count: Int) -> Int {
        guard let bytes, let nul = memchr(bytes, 0, count) else { return count }
        return bytes.distance(to: UnsafeRawPointer(nul))
    }

    // MARK: - Sizes (0 for a field proto3 leaves out), by each field's key

    /// The bytes `value` takes as a varint: seven bits a byte, and zero still takes one. Here
    /// rather than `ProtobufWireReader.varintSize`, which the optimizer left a call across the
    /// module boundary: 35 of them per breakdown, 2 % of the daemon's time.
    @inline(__always)
    private static func varintSize(_ value: UInt64) -> Int {
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    @inline(__always)
    private static func varintFieldSize(_ key: UInt64, _ value: UInt64) -> Int {
        value == 0 ? 0 : varintSize(key) + varintSize(value)
    }

    @inline(__always)
    private static func floatFieldSize(_ key: UInt64, _ value: Float) -> Int {
        value == 0 ? 0 : varintSize(key) + MemoryLayout<UInt32>.size
    }

    @inline(__always)
    private static func bytesFieldSize(_ key: UInt64, _ count: Int) -> Int {
        count == 0 ? 0 : messageFieldSize(key, count)
    }

    /// A length-delimited field, written even when empty (an embedded message).
    @inline(__always)
    private static func messageFieldSize(_ key: UInt64, _ count: Int) -> Int {
        varintSize(key) + varintSize(UInt64(count)) + count
    }
}

/// Writes protobuf fields forward from a cursor into memory already sized for them.
private struct FieldWriter {
    var cursor: UnsafeMutableRawPointer

    init(_ start: UnsafeMutableRawPointer) {
        cursor = start
    }

    @inline(__always)
    mutating func bigEndian(_ value: UInt32) {
        cursor.storeBytes(of: value.bigEndian, as: UInt32.self)
        cursor += MemoryLayout<UInt32>.size
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            cursor.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, as: UInt8.self)
            cursor += 1
            value >>= 7
        }
        cursor.storeBytes(of: UInt8(value), as: UInt8.self)
        cursor += 1
    }

    @inline(__always)
    mutating func varintField(_ key: UInt64, _ value: UInt64) {
        guard value != 0 else { return }
        varint(key)
        varint(value)
    }

    @inline(__always)
    mutating func floatField(_ key: UInt64, _ value: Float) {
        guard value != 0 else { return }
        varint(key)
        cursor.storeBytes(of: value.bitPattern.littleEndian, as: UInt32.self)
        cursor += MemoryLayout<UInt32>.size
    }

    /// The key and length of a length-delimited field whose `count` bytes follow.
    @inline(__always)
    mutating func lengthPrefix(_ key: UInt64, _ count: Int) {
        varint(key)
        varint(UInt64(count))
    }

    @inline(__always)
    mutating func bytesField(_ key: UInt64, _ bytes: UnsafeRawPointer?, _ count: Int) {
        guard count > 0, let bytes else { return }
        lengthPrefix(key, count)
        cursor.copyMemory(from: bytes, byteCount: count)
        cursor += count
    }
}
