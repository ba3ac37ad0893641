import Foundation

/// One transaction as the pipeline's existing Python producers write it (JSON).
///
/// Mapping to `Transaction`: `user_id` is the card, `merchant_id` (when present) or else
/// `product_id` the merchant, `product_category` the merchant category, `amount` (major units)
/// times 100 the minor amount, `timestamp` (ISO-8601, UTC when it has no offset) the event time,
/// `location.country` the country (two-letter codes as they are, a few common names and
/// three-letter codes mapped, anything else unknown), `device_id` or else `session_id` the device,
/// `device_type` + `browser` the user agent. The channel is online.
public struct SalesEventJSON: Decodable, Sendable {
    /// The `location` object.
    public struct Location: Decodable, Sendable {
        init() {}

        /// A two-letter code, an alpha-3 code or a name; `transaction()` maps it to alpha-2.
        public var country: String?
        /// Read but not used for scoring.
        public var state: String?
        /// Read but not used for scoring.
        public var city: String?
        /// Degrees; used only together with `longitude`.
        public var latitude: Double?
        /// Degrees; used only together with `latitude`.
        public var longitude: Double?
    }

    /// `transaction_id` (a string or an integer).
    public var transactionID: String?
    /// `user_id`: the card (a string or an integer).
    public var userID: String?
    /// `merchant_id`: the merchant, when present.
    public var merchantID: String?
    /// `product_id`: the merchant when `merchant_id` is absent.
    public var productID: String?
    /// `product_category`: the merchant category.
    public var productCategory: String?
    /// `amount` in major units (a number or a numeric string); required for a transaction.
    public var amount: Decimal?
    /// ISO 4217 code.
    public var currency: String?
    /// `payment_method`, a name such as `credit_card`.
    public var paymentMethod: String?
    /// `status` (for example `completed`); not used for scoring.
    public var status: String?
    /// ISO-8601 event time (no offset means UTC); required for a transaction.
    public var timestamp: String?
    /// Where it happened, when given.
    public var location: Location?
    /// `device_type`; with `browser` it makes the user agent.
    public var deviceType: String?
    /// `device_id`: the device, when present (a string or an integer).
    public var deviceID: String?
    /// With `device_type` it makes the user agent.
    public var browser: String?
    /// `ip_address`.
    public var ipAddress: String?
    /// `session_id`: the device when `device_id` is absent.
    public var sessionID: String?
    /// `amount` in minor units when the fast scanner read it exactly.
    var amountMinor: Int64?

    /// An empty event, for `SalesJSONScanner` to fill.
    init() {}

    enum CodingKeys: String, CodingKey {
        case transactionID = "transaction_id"
        case userID = "user_id"
        case merchantID = "merchant_id"
        case productID = "product_id"
        case productCategory = "product_category"
        case amount, currency, status, timestamp, location, browser
        case paymentMethod = "payment_method"
        case deviceType = "device_type"
        case deviceID = "device_id"
        case ipAddress = "ip_address"
        case sessionID = "session_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transactionID = try c.decodeLossyString(.transactionID)
        userID = try c.decodeLossyString(.userID)
        merchantID = try c.decodeLossyString(.merchantID)
        productID = try c.decodeLossyString(.productID)
        productCategory = try c.decodeIfPresent(String.self, forKey: .productCategory)
        if let number = try? c.decodeIfPresent(Decimal.self, forKey: .amount) {
            amount = number
        } else if let text = try c.decodeIfPresent(String.self, forKey: .amount) {
            amount = Decimal(string: text)
        }
        currency = try c.decodeIfPresent(String.self, forKey: .currency)
        paymentMethod = try c.decodeIfPresent(String.self, forKey: .paymentMethod)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
        location = try c.decodeIfPresent(Location.self, forKey: .location)
        deviceType = try c.decodeIfPresent(String.self, forKey: .deviceType)
        deviceID = try c.decodeLossyString(.deviceID)
        browser = try c.decodeIfPresent(String.self, forKey: .browser)
        ipAddress = try c.decodeIfPresent(String.self, forKey: .ipAddress)
        sessionID = try c.decodeLossyString(.sessionID)
    }

    /// Parses one JSON object.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> SalesEventJSON {
        if let event = SalesJSONScanner.scan(bytes) { return event }
        do {
            return try JSONDecoder().decode(SalesEventJSON.self, from: Data(bytes))
        } catch {
            throw WireError(code: .malformed, message: "not a sales JSON object: \(Self.describe(error))")
        }
    }

    /// The `Transaction` this event describes; throws for a missing amount or unreadable timestamp.
    /// The remaining checks are `TransactionIntake`'s, shared with the socket path.
    public func transaction() throws(WireError) -> Transaction {
        let minor: Double
        if let amountMinor {
            minor = Double(amountMinor)
        } else if let amount {
            minor = NSDecimalNumber(decimal: amount * 100).doubleValue.rounded()
        } else {
            throw WireError(code: .invalidArgument, message: "amount is required", field: "amount")
        }
        guard minor.isFinite, minor >= -1e15, minor <= 1e15 else {
            throw WireError(code: .invalidArgument, message: "amount is out of range", field: "amount")
        }
        guard let timestamp else {
            throw WireError(code: .invalidArgument, message: "timestamp is required", field: "timestamp")
        }
        guard let eventTimeMs = ISO8601Timestamp.unixMilliseconds(timestamp) else {
            throw WireError(code: .invalidArgument, message: "timestamp is not ISO-8601: \(timestamp.prefix(40))", field: "timestamp")
        }
        var point: GeoPoint?
        if let latitude = location?.latitude, let longitude = location?.longitude {
            point = GeoPoint(latitude: latitude, longitude: longitude)
        }
        let agent = [deviceType, browser].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return Transaction(
            transactionID: transactionID ?? "",
            cardID: userID ?? "",
            merchantID: merchantID ?? productID ?? "",
            amountMinor: Int64(minor),
            currency: currency ?? "",
            eventTimeMs: eventTimeMs,
            location: point,
            country: CountryNames.alpha2(location?.country ?? ""),
            deviceID: deviceID ?? sessionID ?? "",
            ipAddress: ipAddress ?? "",
            userAgent: agent,
            merchantCategory: productCategory ?? "",
            paymentMethod: paymentMethod ?? "",
            channel: .online
        )
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

extension KeyedDecodingContainer {
    /// A string, or a number written as one (producers send ids both ways).
    fileprivate func decodeLossyString(_ key: Key) throws -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return String(number) }
        if contains(key), try !decodeNil(forKey: key) {
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: codingPath + [key], debugDescription: "expected a string or an integer"))
        }
        return nil
    }
}
