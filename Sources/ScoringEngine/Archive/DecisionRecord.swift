import CStreamifyProto
import ScoringModel
import StreamifyWire

/// One record of the decision log (`DecisionLog`): a scored transaction as received, with its
/// assessment, the feature vector it was made on and the model that made it, or a label as
/// reported, with what became of it.
///
/// Written on the hot path into the log's scratch memory (no allocation), compactly, since every
/// byte is written, checksummed and read again for every transaction: fixed-size values as their
/// bytes; each factor's numbers, with each of its two signals as its kind and, unless it is
/// `.none`, its three arguments; the features that are not zero, each as its index and value;
/// then each text field as a 16-bit count and its bytes.
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
            MemoryLayout<Fixed>.stride, MemoryLayout<FactorFixed>.stride, MemoryLayout<SignalArguments>.stride,
            MemoryLayout<Signal.Kind>.size, RiskFactor.allCases.count, FeatureVector.count,
            MemoryLayout<FeatureIndex>.size, MemoryLayout<TextLength>.size,
            MemoryLayout<LabelFixed>.stride, textFields, labelTextFields,
        ]
        return shapes.reduce(Fingerprint.finalize(0x5354_524D_4445_4332)) { Fingerprint.finalize($0 ^ UInt64($1)) }
    }

    /// The fixed-size part of a decision record.
    struct Fixed: BitwiseCopyable {
        var amountMinor: Int64
        var eventTimeMs: Int64
        var latitude: Double
        var longitude: Double
        var score: Float
        var channel: Int32
        var level: RiskLevel.RawValue
        var hasLocation: Bool
    }

    /// One factor's numbers; its two signals follow.
    struct FactorFixed: BitwiseCopyable {
        var score: Float
        var weight: Float
        var contribution: Float
    }

    /// A signal's arguments, written after its kind unless the kind is `.none`.
    struct SignalArguments: BitwiseCopyable {
        var a: Double
        var b: Double
        var c: Double
    }

    /// A feature's index (and the count of features written), before its value.
    typealias FeatureIndex = UInt8
    /// A text field's length, before its bytes.
    typealias TextLength = UInt16

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

    /// The longest assessment: every factor's numbers and two signals with their arguments.
    static let maximumAssessmentBytes =
        RiskFactor.allCases.count
        * (MemoryLayout<FactorFixed>.size + 2 * (MemoryLayout<Signal.Kind>.size + MemoryLayout<SignalArguments>.size))
    /// The longest feature list: the count, then every feature's index and value.
    static let maximumFeatureBytes =
        MemoryLayout<FeatureIndex>.size + FeatureVector.count * (MemoryLayout<FeatureIndex>.size + MemoryLayout<Float>.size)

    /// The longest decision record: the fixed part, the assessment, the features, then every text field at its limit.
    static let maximumBytes =
        MemoryLayout<Fixed>.size + maximumAssessmentBytes + maximumFeatureBytes
        + textFields * MemoryLayout<TextLength>.size + modelVersionBytes
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
                amountMinor: message.amount_minor, eventTimeMs: message.event_time_ms,
                latitude: location?.latitude ?? 0, longitude: location?.longitude ?? 0, score: assessment.score,
                channel: Int32(bitPattern: message.channel.rawValue), level: assessment.level.rawValue,
                hasLocation: location != nil))
        let outcomes = assessment.factors.span
        for factor in RiskFactor.allCases {
            let outcome = outcomes[factor.rawValue]
            writer.write(FactorFixed(score: outcome.score, weight: outcome.weight, contribution: outcome.contribution))
            writer.write(outcome.primary)
            writer.write(outcome.secondary)
        }
        writer.write(features)
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
        var reader = RecordReader(payload)
        let fixed = try reader.read(Fixed.self)
        guard let level = RiskLevel(rawValue: fixed.level) else { throw StateFormatError("a decision of no known level") }
        var factors = FactorSlots(repeating: FactorOutcome(score: 0, primary: .none))
        for factor in RiskFactor.allCases {
            let numbers = try reader.read(FactorFixed.self)
            var outcome = FactorOutcome(score: numbers.score, primary: try reader.readSignal(), secondary: try reader.readSignal())
            outcome.weight = numbers.weight
            outcome.contribution = numbers.contribution
            factors[factor.rawValue] = outcome
        }
        let features = try reader.readFeatures()
        let version = try reader.readText()
        var texts: [String] = []
        for _ in 0..<textFields - 1 { texts.append(try reader.readText()) }
        return ArchivedDecision(
            transactionID: texts[0], cardID: texts[1], merchantID: texts[2], currency: texts[3], deviceID: texts[4],
            ipAddress: texts[5], merchantCategory: texts[6], paymentMethod: texts[7], country: texts[8],
            amountMinor: fixed.amountMinor, eventTimeMs: fixed.eventTimeMs,
            location: fixed.hasLocation ? (fixed.latitude, fixed.longitude) : nil, channel: fixed.channel,
            assessment: RiskAssessment(score: fixed.score, level: level, factors: factors), features: features,
            modelVersion: version)
    }

    /// Reads a label record back.
    public static func label(from payload: UnsafeRawBufferPointer) throws(StateFormatError) -> ArchivedLabel {
        var reader = RecordReader(payload)
        let fixed = try reader.read(LabelFixed.self)
        var texts: [String] = []
        for _ in 0..<labelTextFields { texts.append(try reader.readText()) }
        return ArchivedLabel(
            transactionID: texts[0], cardID: texts[1], merchantID: texts[2], label: fixed.label,
            eventTimeMs: fixed.eventTimeMs, reportedTimeMs: fixed.reportedTimeMs, amountMinor: fixed.amountMinor,
            disposition: LabelDisposition(rawValue: Int(fixed.disposition)))
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

/// Writes a record into a fixed buffer, as `RecordReader` reads it back.
private struct RecordWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[..<count]) }

    /// A value's bytes, stored in place (unaligned): a byte or a float is one store, where a
    /// copy through `withUnsafeBytes` called `memmove` for each (a `perf` profile of the loops).
    @inline(__always)
    mutating func write<Value: BitwiseCopyable>(_ value: Value) {
        let size = MemoryLayout<Value>.size
        precondition(count + size <= buffer.count)
        buffer.baseAddress!.storeBytes(of: value, toByteOffset: count, as: Value.self)
        count += size
    }

    /// A signal: its kind, then its arguments unless it is `.none`.
    mutating func write(_ signal: Signal) {
        write(signal.kind.rawValue)
        if signal.kind != .none { write(DecisionRecord.SignalArguments(a: signal.a, b: signal.b, c: signal.c)) }
    }

    /// The features that are not zero: their count, then each one's index and value.
    mutating func write(_ features: FeatureVector) {
        let countAt = count
        write(DecisionRecord.FeatureIndex(0))
        var written = 0
        let values = features.values.span
        for index in 0..<FeatureVector.count where values[index] != 0 {
            write(DecisionRecord.FeatureIndex(index))
            write(values[index])
            written += 1
        }
        buffer[countAt] = DecisionRecord.FeatureIndex(written)
    }

    /// A count and the bytes, cut at `limit` (intake has already refused longer fields).
    mutating func writeText(_ text: UnsafeRawBufferPointer, limit: Int) {
        let length = min(text.count, limit, buffer.count - count - MemoryLayout<DecisionRecord.TextLength>.size)
        write(DecisionRecord.TextLength(length))
        if length > 0 {
            buffer.baseAddress!.advanced(by: count).copyMemory(from: text.baseAddress!, byteCount: length)
            count += length
        }
    }
}

/// Reads what `RecordWriter` wrote, refusing a record that ends early or holds what no writer writes.
private struct RecordReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws(StateFormatError) -> UnsafeRawBufferPointer {
        guard bytes.count - offset >= count else { throw StateFormatError("a decision log record ends early") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    mutating func read<Value: BitwiseCopyable>(_: Value.Type = Value.self) throws(StateFormatError) -> Value {
        try take(MemoryLayout<Value>.size).loadUnaligned(as: Value.self)
    }

    mutating func readSignal() throws(StateFormatError) -> Signal {
        guard let kind = Signal.Kind(rawValue: try read(Signal.Kind.RawValue.self)) else {
            throw StateFormatError("a signal of no known kind")
        }
        guard kind != .none else { return .none }
        let arguments = try read(DecisionRecord.SignalArguments.self)
        return Signal(kind, arguments.a, arguments.b, arguments.c)
    }

    mutating func readFeatures() throws(StateFormatError) -> FeatureVector {
        var features = FeatureVector()
        let written = Int(try read(DecisionRecord.FeatureIndex.self))
        guard written <= FeatureVector.count else { throw StateFormatError("more features than the vector holds") }
        for _ in 0..<written {
            let index = Int(try read(DecisionRecord.FeatureIndex.self))
            guard index < FeatureVector.count else { throw StateFormatError("a feature index past the vector") }
            features[index] = try read(Float.self)
        }
        return features
    }

    /// A text field; bytes that are not UTF-8 (intake refuses them in ids, not in every field)
    /// read as U+FFFD rather than failing the record.
    mutating func readText() throws(StateFormatError) -> String {
        String(decoding: try take(Int(try read(DecisionRecord.TextLength.self))), as: UTF8.self)
    }
}
