import CStreamifyProto
import ScoringModel
import StreamifyWire

/// One record of the decision log (`DecisionLog`): a scored transaction as received, with its
/// assessment, the feature vector it was made on and the model that made it, or a label as
/// reported, with what became of it.
///
/// Written on the hot path straight into the log's commit buffer (no copy, no allocation):
/// fixed-size values as their bytes, then each text field as a count and its bytes, as `StateWriter` writes them, so
/// `StateReader` reads a record back.
public enum DecisionRecord {
    /// What a record holds.
    public enum Kind: UInt8, Sendable {
        /// A scored transaction: `ArchivedDecision`.
        case decision = 1
        /// A recorded label: `ArchivedLabel`.
        case label = 2
    }

    /// A fingerprint of the fixed-size values records hold: a build whose values differ writes
    /// another layout, and a reader refuses logs of another one.
    public static var layout: UInt64 {
        let shapes = [
            MemoryLayout<RiskAssessment>.stride, MemoryLayout<RiskAssessment>.alignment, RiskFactor.allCases.count,
            MemoryLayout<FeatureVector>.stride, FeatureVector.count,
            MemoryLayout<Fixed>.stride, MemoryLayout<LabelFixed>.stride, textFields, labelTextFields,
        ]
        return shapes.reduce(Fingerprint.finalize(0x5354_524D_4445_4331)) { Fingerprint.finalize($0 ^ UInt64($1)) }
    }

    /// The fixed-size part of a decision record.
    struct Fixed: BitwiseCopyable {
        var assessment: RiskAssessment
        var features: FeatureVector
        var amountMinor: Int64
        var eventTimeMs: Int64
        var latitude: Double
        var longitude: Double
        var hasLocation: Bool
        var channel: Int32
    }

    /// The fixed-size part of a label record.
    struct LabelFixed: BitwiseCopyable {
        var amountMinor: Int64
        var eventTimeMs: Int64
        var reportedTimeMs: Int64
        var label: Int32
        var disposition: Int32
    }

    /// Text fields of a decision: the model version, then the transaction's nine fields in `ArchivedDecision`'s order.
    static let textFields = 10
    /// Text fields of a label: transaction, card and merchant ids.
    static let labelTextFields = 3

    /// The longest decision record: the fixed part, then every text field at its limit.
    static let maximumBytes =
        MemoryLayout<Fixed>.size + textFields * MemoryLayout<UInt64>.size + modelVersionBytes
        + 5 * FieldLimits.identifierBytes + FieldLimits.deviceIDBytes + FieldLimits.ipAddressBytes
        + FieldLimits.merchantCategoryBytes + FieldLimits.paymentMethodBytes
    /// The most of a model version kept.
    static let modelVersionBytes = 256

    /// Writes the decision record of `transaction`, scored as `decision`, into `buffer` (at least
    /// `maximumBytes`); returns its length. Allocates nothing.
    static func writeDecision(
        _ transaction: UnsafePointer<Streamify__V1__Transaction>, _ assessment: RiskAssessment, features: FeatureVector,
        modelVersion: String, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var writer = RecordWriter(buffer)
        let message = transaction.pointee
        let location = message.location?.pointee
        writer.write(
            Fixed(
                assessment: assessment, features: features, amountMinor: message.amount_minor, eventTimeMs: message.event_time_ms,
                latitude: location?.latitude ?? 0, longitude: location?.longitude ?? 0, hasLocation: location != nil,
                channel: Int32(bitPattern: message.channel.rawValue)))
        var version = modelVersion
        version.withUTF8 { writer.writeText(UnsafeRawBufferPointer($0), limit: modelVersionBytes) }
        // One call per field, in `ArchivedDecision`'s order: an array of them would allocate.
        writer.writeText(bytes(of: message.transaction_id), limit: FieldLimits.identifierBytes)
        writer.writeText(bytes(of: message.card_id), limit: FieldLimits.identifierBytes)
        writer.writeText(bytes(of: message.merchant_id), limit: FieldLimits.identifierBytes)
        writer.writeText(bytes(of: message.currency), limit: FieldLimits.identifierBytes)
        writer.writeText(bytes(of: message.device_id), limit: FieldLimits.deviceIDBytes)
        writer.writeText(bytes(of: message.ip_address), limit: FieldLimits.ipAddressBytes)
        writer.writeText(bytes(of: message.merchant_category), limit: FieldLimits.merchantCategoryBytes)
        writer.writeText(bytes(of: message.payment_method), limit: FieldLimits.paymentMethodBytes)
        writer.writeText(bytes(of: message.country), limit: FieldLimits.identifierBytes)
        return writer.count
    }

    /// The longest label record.
    static let maximumLabelBytes = MemoryLayout<LabelFixed>.size + labelTextFields * (MemoryLayout<UInt64>.size + FieldLimits.identifierBytes)

    /// Writes the label record of `feedback`, recorded as `disposition`, into `buffer` (at least
    /// `maximumLabelBytes`); returns its length.
    static func writeLabel(
        _ feedback: UnsafePointer<Streamify__V1__Feedback>, disposition: LabelDisposition, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var writer = RecordWriter(buffer)
        let message = feedback.pointee
        writer.write(
            LabelFixed(
                amountMinor: message.amount_minor, eventTimeMs: message.event_time_ms,
                reportedTimeMs: message.reported_time_ms, label: Int32(bitPattern: message.label.rawValue),
                disposition: Int32(disposition.rawValue)))
        writer.writeText(bytes(of: message.transaction_id), limit: FieldLimits.identifierBytes)
        writer.writeText(bytes(of: message.card_id), limit: FieldLimits.identifierBytes)
        writer.writeText(bytes(of: message.merchant_id), limit: FieldLimits.identifierBytes)
        return writer.count
    }

    /// Reads a decision record back.
    public static func decision(from payload: UnsafeRawBufferPointer) throws(StateFormatError) -> ArchivedDecision {
        var reader = StateReader(Array(payload))
        let fixed = try reader.read(Fixed.self)
        let version = try reader.readText()
        var texts: [String] = []
        for _ in 0..<textFields - 1 { texts.append(try reader.readText()) }
        guard RiskLevel(rawValue: fixed.assessment.level.rawValue) != nil else { throw StateFormatError("a decision of no known level") }
        return ArchivedDecision(
            transactionID: texts[0], cardID: texts[1], merchantID: texts[2], currency: texts[3], deviceID: texts[4],
            ipAddress: texts[5], merchantCategory: texts[6], paymentMethod: texts[7], country: texts[8],
            amountMinor: fixed.amountMinor, eventTimeMs: fixed.eventTimeMs,
            location: fixed.hasLocation ? (fixed.latitude, fixed.longitude) : nil, channel: fixed.channel,
            assessment: fixed.assessment, features: fixed.features, modelVersion: version)
    }

    /// Reads a label record back.
    public static func label(from payload: UnsafeRawBufferPointer) throws(StateFormatError) -> ArchivedLabel {
        var reader = StateReader(Array(payload))
        let fixed = try reader.read(LabelFixed.self)
        var texts: [String] = []
        for _ in 0..<labelTextFields { texts.append(try reader.readText()) }
        return ArchivedLabel(
            transactionID: texts[0], cardID: texts[1], merchantID: texts[2], label: fixed.label,
            eventTimeMs: fixed.eventTimeMs, reportedTimeMs: fixed.reportedTimeMs, amountMinor: fixed.amountMinor,
            disposition: LabelDisposition(rawValue: Int(fixed.disposition)))
    }
}

extension StateReader {
    /// A text field; bytes that are not UTF-8 (intake refuses them in ids, not in every field)
    /// read as U+FFFD rather than failing the record.
    fileprivate mutating func readText() throws(StateFormatError) -> String {
        String(decoding: try readArray(UInt8.self, limit: DecisionRecord.maximumBytes), as: UTF8.self)
    }
}

/// A scored transaction as the decision log keeps it.
public struct ArchivedDecision: Sendable {
    public var transactionID: String
    public var cardID: String
    public var merchantID: String
    /// As sent; empty means USD.
    public var currency: String
    public var deviceID: String
    public var ipAddress: String
    public var merchantCategory: String
    public var paymentMethod: String
    public var country: String
    public var amountMinor: Int64
    public var eventTimeMs: Int64
    /// Latitude and longitude, when sent.
    public var location: (latitude: Double, longitude: Double)?
    /// The wire `Channel` number.
    public var channel: Int32
    /// The score, level and every factor's outcome.
    public var assessment: RiskAssessment
    /// The numbers the decision was made on (`FeatureVector.names` names them).
    public var features: FeatureVector
    /// The model that scored it.
    public var modelVersion: String
}

/// A label as the decision log keeps it.
public struct ArchivedLabel: Sendable {
    public var transactionID: String
    public var cardID: String
    public var merchantID: String
    /// The wire `Label` number.
    public var label: Int32
    public var eventTimeMs: Int64
    public var reportedTimeMs: Int64
    public var amountMinor: Int64
    /// What the engine did with it.
    public var disposition: LabelDisposition?
}

/// Writes values into a fixed buffer as `StateWriter` writes them into an array.
private struct RecordWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[..<count]) }

    mutating func write<Value: BitwiseCopyable>(_ value: Value) {
        withUnsafeBytes(of: value) { bytes in
            precondition(count + bytes.count <= buffer.count)
            buffer.baseAddress!.advanced(by: count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            count += bytes.count
        }
    }

    /// A count and the bytes, cut at `limit` (intake has already refused longer fields).
    mutating func writeText(_ text: UnsafeRawBufferPointer, limit: Int) {
        let length = min(text.count, limit, buffer.count - count - MemoryLayout<UInt64>.size)
        write(UInt64(length))
        if length > 0 {
            buffer.baseAddress!.advanced(by: count).copyMemory(from: text.baseAddress!, byteCount: length)
            count += length
        }
    }
}
