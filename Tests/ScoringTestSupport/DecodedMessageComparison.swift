import CProtobufC
import StreamifyWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compares two decoded protobuf-c messages of one type field by field, guided by their
/// descriptor: the check behind `BorrowingDecoder`'s contract, in its tests and in the fuzzer.
///
/// Bytes fields compare by length, content and whether `data` is NULL; numbers by their bits;
/// message fields recursively; repeated messages element by element; a `oneof` by its case and
/// then only its member. Unknown fields are not compared.
///
/// - Returns: nil when they are the same, or the path of the first field that differs.
package func firstDifference(
    _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, layout: MessageLayout, path: String = ""
) -> String? {
    let descriptor = layout.descriptor.pointee
    let a = a.assumingMemoryBound(to: ProtobufCMessage.self)
    let b = b.assumingMemoryBound(to: ProtobufCMessage.self)
    guard a.pointee.descriptor == layout.descriptor, b.pointee.descriptor == layout.descriptor else {
        return "\(path): descriptor"
    }
    let raw = (UnsafeRawPointer(a), UnsafeRawPointer(b))
    for field in UnsafeBufferPointer(start: descriptor.fields, count: Int(descriptor.n_fields)) {
        let name = path + "." + String(cString: field.name)
        let entry = layout.fields[Int(field.id)]
        if entry.isOneof {
            let caseA = raw.0.load(fromByteOffset: entry.quantifierOffset, as: UInt32.self)
            let caseB = raw.1.load(fromByteOffset: entry.quantifierOffset, as: UInt32.self)
            guard caseA == caseB else { return "\(name): oneof case \(caseA) vs \(caseB)" }
            guard caseA == field.id else { continue }
        }
        switch entry.kind {
        case .bytes:
            let x = raw.0.load(fromByteOffset: entry.offset, as: ProtobufCBinaryData.self)
            let y = raw.1.load(fromByteOffset: entry.offset, as: ProtobufCBinaryData.self)
            guard x.len == y.len, (x.data == nil) == (y.data == nil),
                x.len == 0 || memcmp(x.data, y.data, x.len) == 0
            else { return "\(name): bytes" }
        case .varint64, .fixed64:
            guard raw.0.load(fromByteOffset: entry.offset, as: UInt64.self)
                == raw.1.load(fromByteOffset: entry.offset, as: UInt64.self)
            else { return "\(name): value" }
        case .varint32:
            guard raw.0.load(fromByteOffset: entry.offset, as: UInt32.self)
                == raw.1.load(fromByteOffset: entry.offset, as: UInt32.self)
            else { return "\(name): value" }
        case .message:
            let x = raw.0.load(fromByteOffset: entry.offset, as: UnsafeRawPointer?.self)
            let y = raw.1.load(fromByteOffset: entry.offset, as: UnsafeRawPointer?.self)
            guard (x == nil) == (y == nil) else { return "\(name): present in one only" }
            if let x, let y, let difference = firstDifference(x, y, layout: layout.children[entry.child], path: name) {
                return difference
            }
        case .repeatedMessage:
            let count = raw.0.load(fromByteOffset: entry.quantifierOffset, as: Int.self)
            guard count == raw.1.load(fromByteOffset: entry.quantifierOffset, as: Int.self) else {
                return "\(name): count"
            }
            let x = raw.0.load(fromByteOffset: entry.offset, as: UnsafePointer<UnsafeRawPointer?>?.self)
            let y = raw.1.load(fromByteOffset: entry.offset, as: UnsafePointer<UnsafeRawPointer?>?.self)
            for index in 0..<count {
                guard let p = x?[index], let q = y?[index] else { return "\(name)[\(index)]: missing" }
                if let difference = firstDifference(p, q, layout: layout.children[entry.child], path: "\(name)[\(index)]") {
                    return difference
                }
            }
        case .unknown, .unsupported:
            return "\(name): a kind this comparison does not know"
        }
    }
    return nil
}
