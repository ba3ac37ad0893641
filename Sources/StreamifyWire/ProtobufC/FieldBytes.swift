import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a protobuf-c string field, borrowed (no copy, no allocation); they end at the
/// first NUL, so fields a client sends are generated as bytes instead (the overload below).
@inline(__always)
package func bytes(of field: UnsafePointer<CChar>?) -> UnsafeRawBufferPointer {
    guard let field else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: field, count: strlen(field))
}

/// The bytes of a protobuf-c bytes field (or a string field generated with `string_as_bytes`),
/// borrowed, with their full length: embedded NULs included.
@inline(__always)
package func bytes(of field: ProtobufCBinaryData) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: field.data, count: field.len)
}
