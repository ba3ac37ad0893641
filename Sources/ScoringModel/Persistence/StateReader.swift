/// Reads back what a `StateWriter` wrote, in the same order. Every read is checked against the
/// bytes left: a short or malformed input throws `StateFormatError`, never reads past the end.
public struct StateReader {
    private let bytes: ArraySlice<UInt8>
    private var offset: Int

    /// A reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    private init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.offset = bytes.startIndex
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.endIndex - offset }

    /// Reads a section written by `StateWriter.writeSection(_:)`: a reader over its bytes alone,
    /// which the caller may read or leave unread.
    public mutating func readSection() throws(StateFormatError) -> StateReader {
        let length = try read(UInt64.self)
        guard length <= UInt64(remaining) else { throw StateFormatError("a section of \(length) bytes with \(remaining) left") }
        let section = StateReader(bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return section
    }

    /// Reads one value of type `Value`.
    public mutating func read<Value: BitwiseCopyable>(_: Value.Type = Value.self) throws(StateFormatError) -> Value {
        let size = MemoryLayout<Value>.size
        guard size <= remaining else { throw StateFormatError("state ends inside a \(Value.self)") }
        let start = offset - bytes.startIndex
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: Value.self) }
        offset += size
        return value
    }

    /// Reads a count, at most `limit`, then that many values.
    public mutating func readArray<Value: BitwiseCopyable>(
        _: Value.Type = Value.self, limit: Int = .max
    ) throws(StateFormatError) -> [Value] {
        let count = try readCount(of: Value.self, limit: limit)
        let stride = MemoryLayout<Value>.stride
        let start = offset - bytes.startIndex
        let values = [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[start..<start + count * stride]))
            }
            initialized = count
        }
        offset += count * stride
        return values
    }

    /// Reads a string written by `StateWriter.write(_:)`, refusing invalid UTF-8.
    public mutating func readString(limit: Int = 1 << 16) throws(StateFormatError) -> String {
        let utf8 = try readArray(UInt8.self, limit: limit)
        guard let text = String(validating: utf8, as: UTF8.self) else { throw StateFormatError("a string is not valid UTF-8") }
        return text
    }

    private mutating func readCount<Value>(of _: Value.Type, limit: Int) throws(StateFormatError) -> Int {
        let raw = try read(UInt64.self)
        let stride = max(MemoryLayout<Value>.stride, 1)
        guard raw <= UInt64(limit), raw <= UInt64(remaining / stride) else {
            throw StateFormatError("an array of \(raw) \(Value.self) does not fit the state (\(remaining) bytes left, limit \(limit))")
        }
        return Int(raw)
    }
}

/// State that cannot be read back: cut short, out of range, or written under another layout.
public struct StateFormatError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, for the log.
    public var description: String
    /// Whether the state is whole but of another format or layout than this build's: refuse it,
    /// rather than treat it as damaged and fall back to older state.
    public var isOtherFormat: Bool

    /// An error saying `description`.
    public init(_ description: String, isOtherFormat: Bool = false) {
        self.description = description
        self.isOtherFormat = isOtherFormat
    }
}
