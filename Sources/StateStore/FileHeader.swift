/// The 24-byte header of a state file, little-endian: an 8-byte magic naming the kind of file,
/// the file format, then a 32-bit and a 64-bit word whose meaning is the kind's (a snapshot:
/// checksum and payload length; a journal segment: unused and the record layout).
struct FileHeader {
    var magic: [UInt8]
    var format: UInt32
    var word: UInt32
    var value: UInt64

    /// Bytes a header takes.
    static let length = 8 + MemoryLayout<UInt32>.size * 2 + MemoryLayout<UInt64>.size

    /// The header as written.
    var bytes: [UInt8] {
        var bytes = magic
        withUnsafeBytes(of: format.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The header at the start of `bytes`, if they start with `magic`; nil if they do not (or
    /// are too short to hold a header).
    init?(reading bytes: [UInt8], magic: [UInt8]) {
        guard bytes.count >= Self.length, Array(bytes[..<magic.count]) == magic else { return nil }
        self.magic = magic
        (format, word, value) = bytes.withUnsafeBytes { raw in
            (
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self)),
                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count + 4, as: UInt32.self)),
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count + 8, as: UInt64.self))
            )
        }
    }

    init(magic: [UInt8], format: UInt32, word: UInt32, value: UInt64) {
        self.magic = magic
        self.format = format
        self.word = word
        self.value = value
    }
}

/// How numbered state files are named: `<prefix><16-digit number><suffix>`, so they sort by
/// name as by number.
struct SequencedFileName {
    let prefix: String
    let suffix: String

    /// The name of file `number`.
    func name(_ number: UInt64) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 16 - digits.count)) + digits + suffix
    }

    /// The number in `name`, whatever follows it (`.state`, `.state.damaged`); nil for a name
    /// not of this kind.
    func number(in name: String) -> UInt64? {
        guard name.hasPrefix(prefix) else { return nil }
        return UInt64(name.dropFirst(prefix.count).prefix { $0 != "." })
    }
}
