import CProtobufC

extension String {
    /// Reads a protobuf-c string field; protobuf-c leaves absent strings pointing at `""`.
    @inlinable
    init(protobufC pointer: UnsafePointer<CChar>?) {
        if let pointer { self.init(cString: pointer) } else { self = "" }
    }

    /// Reads a protobuf-c string field generated as bytes (`string_as_bytes`), with its full
    /// length; invalid UTF-8 is repaired with replacement characters.
    @inlinable
    package init(protobufC data: ProtobufCBinaryData) {
        self.init(decoding: UnsafeRawBufferPointer(start: data.data, count: data.len), as: UTF8.self)
    }
}

/// Converts between a protobuf-c enum (imported as a `RawRepresentable` struct) and its wire number.
@inlinable
func wireNumber<E: RawRepresentable>(_ value: E) -> Int32 where E.RawValue: BinaryInteger {
    Int32(truncatingIfNeeded: value.rawValue)
}

@inlinable
func cEnum<E: RawRepresentable>(_: E.Type, _ number: Int32) -> E where E.RawValue: FixedWidthInteger {
    E(rawValue: E.RawValue(truncatingIfNeeded: number))!
}
