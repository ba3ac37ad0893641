import CProtobufC
import CStreamifyProto
import StreamifyWire

/// A transaction decoded from an input value into protobuf-c form, ready for `TransactionIntake`.
struct InboundTransaction {
    let message: UnsafePointer<Streamify__V1__Transaction>
    let format: InputFormat
    /// `device_type` from JSON input, for analytics; `nil` for protobuf.
    let deviceType: String?
}

/// Turns input values (protobuf or JSON, detected per message) into protobuf-c transactions.
///
/// Everything lives in `arena` until its owner resets it (once per consumed batch).
enum InboundDecoder {
    static func transaction(_ bytes: UnsafeRawBufferPointer, arena: MessageArena) -> Result<InboundTransaction, WireError> {
        switch InputFormat.detect(bytes) {
        case .protobuf:
            guard let message = Transaction.unpack(bytes, into: arena) else {
                return .failure(WireError(code: .malformed, message: "neither JSON nor a valid streamify.v1.Transaction"))
            }
            return .success(InboundTransaction(message: UnsafePointer(message), format: .protobuf, deviceType: nil))
        case .json:
            do throws(WireError) {
                let event = try SalesEventJSON.decode(bytes)
                let transaction = try event.transaction()
                return .success(
                    InboundTransaction(
                        message: UnsafePointer(transaction.protobufC(in: arena)), format: .json,
                        deviceType: event.deviceType))
            } catch {
                return .failure(error)
            }
        }
    }

    static func feedback(_ bytes: UnsafeRawBufferPointer, arena: MessageArena) -> Result<UnsafePointer<Streamify__V1__Feedback>, WireError> {
        guard let message = Feedback.unpack(bytes, into: arena) else {
            return .failure(WireError(code: .malformed, message: "not a valid \(Feedback.protoName)"))
        }
        return .success(UnsafePointer(message))
    }
}
