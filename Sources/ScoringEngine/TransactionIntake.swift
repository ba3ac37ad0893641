import CProtobufC
import CStreamifyProto
import ScoringModel
import StreamifyWire

/// Validates incoming transactions and reduces them to `TransactionFeatures`.
///
/// The one place the daemon's socket path and the Kafka sidecar check their input, so both
/// refuse exactly the same things with exactly the same errors. Works straight on the
/// protobuf-c structs: no strings are made for valid input.
public enum TransactionIntake {
    /// Checks `transaction` and extracts its features, its ids fingerprinted under `key`, or
    /// says which field is wrong.
    public static func features(
        of transaction: UnsafePointer<Streamify__V1__Transaction>, key: FingerprintKey
    ) -> Result<TransactionFeatures, WireError> {
        let m = transaction.pointee

        let transactionID = bytes(of: m.transaction_id)
        if let error = check("transaction_id", transactionID, limit: FieldLimits.identifierBytes) { return .failure(error) }
        let cardID = bytes(of: m.card_id)
        if let error = check("card_id", cardID, limit: FieldLimits.identifierBytes, required: true) { return .failure(error) }
        let merchantID = bytes(of: m.merchant_id)
        if let error = check("merchant_id", merchantID, limit: FieldLimits.identifierBytes, required: true) {
            return .failure(error)
        }
        if m.amount_minor <= 0 { return invalid("amount_minor", "amount_minor must be greater than zero") }
        if m.amount_minor > FieldLimits.maximumAmountMinor {
            return invalid("amount_minor", "amount_minor is larger than 10^13")
        }
        let currency = bytes(of: m.currency)
        if !currency.isEmpty, !(currency.count == 3 && currency.allSatisfy(isASCIILetter)) {
            return invalid("currency", "currency must be an ISO 4217 code of three letters")
        }
        if m.event_time_ms == 0 { return invalid("event_time_ms", "event_time_ms is required") }
        if !EventTime.isValid(unixMs: m.event_time_ms) {
            return invalid("event_time_ms", "event_time_ms must be Unix epoch milliseconds between 2000 and 2100")
        }
        var location: (latitude: Double, longitude: Double)?
        if let point = m.location?.pointee {
            guard point.latitude.isFinite, (-90...90).contains(point.latitude) else {
                return invalid("location.latitude", "latitude must be a finite number within -90...90")
            }
            guard point.longitude.isFinite, (-180...180).contains(point.longitude) else {
                return invalid("location.longitude", "longitude must be a finite number within -180...180")
            }
            location = (point.latitude, point.longitude)
        }
        guard let country = CountryCode(bytes: bytes(of: m.country)) else {
            return invalid("country", "country must be an ISO 3166-1 alpha-2 code of two letters")
        }
        let deviceID = bytes(of: m.device_id)
        if let error = check("device_id", deviceID, limit: FieldLimits.deviceIDBytes) { return .failure(error) }
        let ipAddress = bytes(of: m.ip_address)
        if let error = check("ip_address", ipAddress, limit: FieldLimits.ipAddressBytes) { return .failure(error) }
        let userAgent = bytes(of: m.user_agent)
        if let error = check("user_agent", userAgent, limit: FieldLimits.userAgentBytes) { return .failure(error) }
        let category = bytes(of: m.merchant_category)
        if let error = check("merchant_category", category, limit: FieldLimits.merchantCategoryBytes) { return .failure(error) }
        let method = bytes(of: m.payment_method)
        if let error = check("payment_method", method, limit: FieldLimits.paymentMethodBytes) { return .failure(error) }
        let channelNumber = Int32(truncatingIfNeeded: m.channel.rawValue)
        guard let channel = TransactionChannel(rawValue: UInt8(clamping: max(channelNumber, 0))), channelNumber >= 0 else {
            return invalid("channel", "channel is not a known Channel value")
        }

        return .success(
            TransactionFeatures(
                card: EntityKey(bytes: cardID, key: key),
                merchant: EntityKey(bytes: merchantID, key: key),
                device: EntityKey(bytes: deviceID, key: key),
                ipAddress: ipAddress.isEmpty ? 0 : EntityKey(bytes: ipAddress, key: key).short,
                userAgent: userAgent.isEmpty ? 0 : EntityKey(bytes: userAgent, key: key).short,
                amountMinor: m.amount_minor,
                eventTimeMs: m.event_time_ms,
                location: location,
                country: country,
                category: MerchantCategory(bytes: category),
                paymentMethod: PaymentMethod(bytes: method),
                channel: channel,
                transaction: EntityKey(bytes: transactionID, key: key)
            )
        )
    }

    /// The same checks for a Swift `Transaction` (allocates; for tools, tests and JSON input).
    public static func features(of transaction: Transaction, key: FingerprintKey) -> Result<TransactionFeatures, WireError> {
        let arena = MessageArena(capacity: 2048)
        return features(of: transaction.protobufC(in: arena), key: key)
    }

    /// Checks a `Feedback` report and extracts what the state tables need, its ids fingerprinted
    /// under `key`.
    public static func features(
        of feedback: UnsafePointer<Streamify__V1__Feedback>, key: FingerprintKey
    ) -> Result<FeedbackFeatures, WireError> {
        let m = feedback.pointee
        let transactionID = bytes(of: m.transaction_id)
        if let error = check("transaction_id", transactionID, limit: FieldLimits.identifierBytes, required: true) {
            return .failure(error)
        }
        let cardID = bytes(of: m.card_id)
        if let error = check("card_id", cardID, limit: FieldLimits.identifierBytes, required: true) { return .failure(error) }
        let merchantID = bytes(of: m.merchant_id)
        if let error = check("merchant_id", merchantID, limit: FieldLimits.identifierBytes) { return .failure(error) }
        let outcome: FeedbackFeatures.Outcome
        switch Int32(truncatingIfNeeded: m.label.rawValue) {
        case 1: outcome = .fraud
        case 2: outcome = .legitimate
        default: return invalid("label", "label must be LABEL_FRAUD or LABEL_LEGITIMATE")
        }
        if !EventTime.isValid(unixMs: m.event_time_ms) {
            return invalid("event_time_ms", "event_time_ms must be Unix epoch milliseconds between 2000 and 2100")
        }
        if m.reported_time_ms != 0 {
            if !EventTime.isValid(unixMs: m.reported_time_ms) {
                return invalid("reported_time_ms", "reported_time_ms must be Unix epoch milliseconds between 2000 and 2100")
            }
            if m.reported_time_ms < m.event_time_ms {
                return invalid("reported_time_ms", "reported_time_ms is before the transaction's event_time_ms")
            }
        }
        if m.amount_minor < 0 || m.amount_minor > FieldLimits.maximumAmountMinor {
            return invalid("amount_minor", "amount_minor must be within 0...10^13")
        }
        return .success(
            FeedbackFeatures(
                card: EntityKey(bytes: cardID, key: key),
                merchant: EntityKey(bytes: merchantID, key: key),
                outcome: outcome,
                eventTimeMs: m.event_time_ms,
                reportedTimeMs: m.reported_time_ms == 0 ? m.event_time_ms : m.reported_time_ms,
                amountMinor: m.amount_minor,
                transaction: EntityKey(bytes: transactionID, key: key)
            )
        )
    }

    /// The same checks for a Swift `Feedback` (allocates; for tools and tests).
    public static func features(of feedback: Feedback, key: FingerprintKey) -> Result<FeedbackFeatures, WireError> {
        let arena = MessageArena(capacity: 1024)
        return features(of: feedback.protobufC(in: arena), key: key)
    }

    /// The error for a string field that is missing (when `required`), longer than `limit`
    /// bytes, or not text: a NUL byte or invalid UTF-8. Ids are then keyed by all their bytes.
    @inline(__always)
    private static func check(_ field: String, _ value: UnsafeRawBufferPointer, limit: Int, required: Bool = false) -> WireError? {
        if required, value.isEmpty { return WireError(code: .invalidArgument, message: "\(field) is required", field: field) }
        if value.count > limit {
            return WireError(code: .invalidArgument, message: "\(field) is longer than \(limit) bytes", field: field)
        }
        return TextCheck.error(field: field, value)
    }

    private static func invalid<T>(_ field: String, _ message: String) -> Result<T, WireError> {
        .failure(WireError(code: .invalidArgument, message: message, field: field))
    }

    @inline(__always)
    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
