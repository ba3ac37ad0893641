import StreamifyWire

/// A small deterministic synthetic world of cards and merchants, with a share of anomalous
/// transactions, for the embedded demo, the throughput benchmark and tests.
public struct DemoTraffic: Sendable {
    private struct Home {
        var latitude: Double
        var longitude: Double
        var country: String
    }

    private static let homes: [Home] = [
        Home(latitude: 40.71, longitude: -74.00, country: "US"), Home(latitude: 51.51, longitude: -0.13, country: "GB"),
        Home(latitude: 48.86, longitude: 2.35, country: "FR"), Home(latitude: 52.52, longitude: 13.40, country: "DE"),
        Home(latitude: 35.68, longitude: 139.69, country: "JP"), Home(latitude: -33.87, longitude: 151.21, country: "AU"),
    ]
    private static let categories = ["grocery", "restaurant", "fuel", "clothing", "electronics", "travel", "gift cards"]
    private static let methods = ["credit_card", "debit_card", "wallet"]

    private var state: UInt64
    private var clockMs: Int64
    private var sequence = 0
    public let cardCount: Int
    /// Share of transactions made anomalous (large, far away, new device, risky category).
    public let anomalyRate: Double

    public init(seed: UInt64 = 42, cardCount: Int = 1000, anomalyRate: Double = 0.05, startMs: Int64 = 1_735_689_600_000) {
        self.state = seed &* 6_364_136_223_846_793_005 &+ 1
        self.cardCount = cardCount
        self.anomalyRate = anomalyRate
        self.clockMs = startMs
    }

    private mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// The next transaction; `anomalous` tells whether it was made to look like fraud.
    public mutating func nextTransaction() -> (transaction: Transaction, anomalous: Bool) {
        sequence += 1
        clockMs += Int64(1000 + next() % 8000)
        let card = Int(next() % UInt64(cardCount))
        let home = Self.homes[card % Self.homes.count]
        let anomalous = unit() < anomalyRate
        let away = anomalous ? Self.homes[(card + 3) % Self.homes.count] : home
        let amountMinor = anomalous ? Int64(150_000 + next() % 500_000) : Int64(500 + next() % 12_000)
        let transaction = Transaction(
            transactionID: "tx-\(sequence)",
            cardID: "card-\(card)",
            merchantID: "m-\(anomalous ? 900 + Int(next() % 50) : (card * 7 + Int(next() % 5)) % 400)",
            amountMinor: amountMinor,
            currency: "USD",
            eventTimeMs: clockMs,
            location: GeoPoint(latitude: away.latitude + unit() * 0.1, longitude: away.longitude + unit() * 0.1),
            country: away.country,
            deviceID: anomalous ? "dev-x\(next() % 100_000)" : "dev-\(card)",
            ipAddress: anomalous ? "203.0.113.\(next() % 250)" : "10.0.\(card / 250).\(card % 250)",
            userAgent: "mobile Safari",
            merchantCategory: anomalous ? (unit() < 0.5 ? "electronics" : "gift cards") : Self.categories[card % 5],
            paymentMethod: Self.methods[card % Self.methods.count],
            channel: .online
        )
        return (transaction, anomalous)
    }

    /// `transaction` in the Python producers' JSON format (see `SalesEventJSON`).
    public static func json(_ t: Transaction) -> String {
        let seconds = t.eventTimeMs / 1000
        let millis = t.eventTimeMs % 1000
        let timestamp = String(AnalyticsWindow.iso8601(seconds * 1000 + millis).dropLast())
        let amount = "\(t.amountMinor / 100).\(t.amountMinor % 100 < 10 ? "0" : "")\(t.amountMinor % 100)"
        return """
            {"transaction_id": "\(t.transactionID)", "user_id": "\(t.cardID)", "product_id": "\(t.merchantID)", \
            "product_category": "\(t.merchantCategory)", "amount": \(amount), "currency": "\(t.currency)", \
            "payment_method": "\(t.paymentMethod)", "status": "completed", "timestamp": "\(timestamp)", \
            "location": {"country": "\(t.country)", "state": "", "city": "", "latitude": \(t.location?.latitude ?? 0), \
            "longitude": \(t.location?.longitude ?? 0)}, "device_type": "mobile", "browser": "Safari", \
            "ip_address": "\(t.ipAddress)", "session_id": "\(t.deviceID)"}
            """
    }
}
