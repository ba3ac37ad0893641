import StreamifyWire

/// A transaction as one JSON object (snake_case, as in the .proto).
struct TransactionRecord: Codable, Sendable, Hashable {
    var transaction_id: String
    var card_id: String
    var merchant_id: String
    var amount_minor: Int64
    var currency: String
    var event_time_ms: Int64
    var latitude: Double?
    var longitude: Double?
    var country: String
    var device_id: String
    var ip_address: String
    var user_agent: String
    var merchant_category: String
    var payment_method: String
    /// "card_present", "online", "contactless", "atm" or "unspecified".
    var channel: String

    static let channelNames: [Channel: String] = [
        .unspecified: "unspecified", .cardPresent: "card_present", .online: "online", .contactless: "contactless", .atm: "atm",
    ]

    init(_ t: Transaction) {
        transaction_id = t.transactionID
        card_id = t.cardID
        merchant_id = t.merchantID
        amount_minor = t.amountMinor
        currency = t.currency
        event_time_ms = t.eventTimeMs
        latitude = t.location?.latitude
        longitude = t.location?.longitude
        country = t.country
        device_id = t.deviceID
        ip_address = t.ipAddress
        user_agent = t.userAgent
        merchant_category = t.merchantCategory
        payment_method = t.paymentMethod
        channel = Self.channelNames[t.channel] ?? "unspecified"
    }

    var transaction: Transaction {
        Transaction(
            transactionID: transaction_id, cardID: card_id, merchantID: merchant_id, amountMinor: amount_minor,
            currency: currency, eventTimeMs: event_time_ms,
            location: latitude.flatMap { lat in longitude.map { GeoPoint(latitude: lat, longitude: $0) } },
            country: country, deviceID: device_id, ipAddress: ip_address, userAgent: user_agent,
            merchantCategory: merchant_category, paymentMethod: payment_method,
            channel: Self.channelNames.first { $0.value == channel }?.key ?? .unspecified)
    }
}

/// A feedback message as one JSON object.
struct FeedbackRecord: Codable, Sendable, Hashable {
    var transaction_id: String
    var card_id: String
    var merchant_id: String
    /// "fraud" or "legitimate".
    var label: String
    var event_time_ms: Int64
    var reported_time_ms: Int64
    var amount_minor: Int64

    init(_ f: Feedback) {
        transaction_id = f.transactionID
        card_id = f.cardID
        merchant_id = f.merchantID
        label = f.label == .fraud ? "fraud" : f.label == .legitimate ? "legitimate" : "unspecified"
        event_time_ms = f.eventTimeMs
        reported_time_ms = f.reportedTimeMs
        amount_minor = f.amountMinor
    }

    var feedback: Feedback {
        Feedback(
            transactionID: transaction_id, cardID: card_id, merchantID: merchant_id,
            label: label == "fraud" ? .fraud : label == "legitimate" ? .legitimate : .unspecified,
            eventTimeMs: event_time_ms, reportedTimeMs: reported_time_ms, amountMinor: amount_minor)
    }
}

/// Ground truth of one transaction: a line of the labels sidecar, and part of a JSON-lines record.
struct LabelRecord: Codable, Sendable, Hashable {
    var transaction_id: String
    var fraud: Bool
    /// A `FraudScenario` raw value, or `nil` for legitimate transactions.
    var scenario: String?

    init(transactionID: String, truth: GroundTruth) {
        transaction_id = transactionID
        fraud = truth.isFraud
        scenario = truth.scenario?.rawValue
    }

    /// `nil` for a fraud of a scenario this version does not know (kept out of detection).
    var truth: GroundTruth? {
        guard fraud else { return .legitimate }
        return scenario.flatMap(FraudScenario.init(rawValue:)).map { GroundTruth(scenario: $0) }
    }
}

/// One line of the JSON-lines workload format: a transaction with its label, or a feedback.
struct WorkloadLine: Codable, Sendable, Hashable {
    /// "transaction" or "feedback".
    var type: String
    var transaction: TransactionRecord?
    var label: LabelRecord?
    var feedback: FeedbackRecord?
}
