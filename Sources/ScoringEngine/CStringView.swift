import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a protobuf-c string field, borrowed (no copy, no allocation).
@inline(__always)
package func bytes(of field: UnsafePointer<CChar>?) -> UnsafeRawBufferPointer {
    guard let field else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: field, count: strlen(field))
}
