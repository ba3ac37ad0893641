/// The encoding of one input value, detected per message.
public enum InputFormat: String, Sendable {
    /// A `streamify.v1.Transaction` protobuf.
    case protobuf
    /// A JSON object as the Python producers send it (`SalesEventJSON`).
    case json

    /// JSON when the first non-whitespace byte is `{` (a `Transaction` protobuf never starts
    /// with 0x7B: that would be field 15 with the deprecated group wire type), else protobuf.
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> InputFormat {
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"): return .json
            default: return .protobuf
            }
        }
        return .protobuf
    }
}
