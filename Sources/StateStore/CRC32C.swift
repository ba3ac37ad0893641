import CChecksum

/// CRC-32C (Castagnoli), the checksum of iSCSI, ext4 metadata and LevelDB/RocksDB logs.
///
/// With the CPU's instruction where it has one (SSE4.2, arm64's CRC extension: `CChecksum`),
/// else table-driven, eight bytes per step ("slicing-by-8", about 1 GB/s here). The decision
/// log checksums every scored transaction on the event loop, where the table cost 5 % of the
/// loop's time.
public struct CRC32C: Sendable {
    /// The running value; `checksum` finalises it.
    private var state: UInt32 = 0xFFFF_FFFF

    /// A checksum over nothing yet.
    public init() {}

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.checksum
    }

    /// The checksum of everything passed to `update` so far.
    public var checksum: UInt32 { ~state }

    /// Whether `update` uses the CPU's instruction.
    public static let usesHardware = streamify_crc32c_hardware_available() != 0

    /// Adds `bytes`.
    @inline(__always)
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if Self.usesHardware {
            state = streamify_crc32c_hardware_update(state, bytes.baseAddress, bytes.count)
        } else {
            updateWithTable(bytes)
        }
    }

    /// Adds `bytes` with the table, whatever the CPU has (the fallback, and what tests compare with).
    mutating func updateWithTable(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        var index = 0
        let count = bytes.count
        Self.tables.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                let low = bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian ^ crc
                let high = bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
                crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int(low >> 8 & 0xFF)]
                    ^ table[5 * 256 + Int(low >> 16 & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int(high >> 8 & 0xFF)]
                    ^ table[1 * 256 + Int(high >> 16 & 0xFF)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        state = crc
    }

    /// The reflected polynomial 0x1EDC6F41.
    private static let polynomial: UInt32 = 0x82F6_3B78

    /// Eight tables of 256: table k advances a byte that is followed by k more.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
