/// Appends engine state as plain little-endian bytes: fixed-size values, arrays of them and
/// strings, each array and string prefixed by its count.
///
/// What it writes is read back by `StateReader` in the same order. Values are stored as their
/// in-memory bytes (`BitwiseCopyable`), so a layout change is a format change: `StateLayout`
/// fingerprints the layouts, and a reader refuses state written under other ones.
public struct StateWriter {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer; `capacity` reserves room up front.
    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends the bytes of `value`.
    public mutating func write<Value: BitwiseCopyable>(_ value: Value) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Appends a count, then `count` values from `start`, as one copy.
    mutating func write<Value: BitwiseCopyable>(_ start: UnsafePointer<Value>, count: Int) {
        write(UInt64(count))
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: start, count: count * MemoryLayout<Value>.stride))
    }

    /// Appends a count, then the values.
    public mutating func write<Value: BitwiseCopyable>(_ values: [Value]) {
        values.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                write(base, count: buffer.count)
            } else {
                write(UInt64(0))
            }
        }
    }

    /// Appends the UTF-8 length, then the bytes.
    public mutating func write(_ text: String) {
        write(Array(text.utf8))
    }

    /// Writes what `body` writes as one section, prefixed by its length, so a reader may skip it
    /// (`StateReader.readSection()`).
    public mutating func writeSection(_ body: (inout StateWriter) -> Void) {
        let start = bytes.count
        write(UInt64(0))
        body(&self)
        let length = UInt64(bytes.count - start - MemoryLayout<UInt64>.size)
        withUnsafeBytes(of: length) { length in
            bytes.withUnsafeMutableBytes { $0[start..<start + length.count].copyBytes(from: length) }
        }
    }

    /// Takes the bytes out.
    public func finish() -> [UInt8] { bytes }
}
