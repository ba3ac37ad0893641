import ScoringModel

/// Builds crafted transaction sequences for one card, in event time.
struct TransactionScript {
    /// 2026-11-02T14:00:00Z, a Monday afternoon in New York's morning.
    static let start: Int64 = 1_793_628_000_000

    static let newYork = (latitude: 40.7128, longitude: -74.0060)
    static let london = (latitude: 51.5074, longitude: -0.1278)
    static let boston = (latitude: 42.3601, longitude: -71.0589)

    static func transaction(
        card: String = "card-1",
        merchant: String = "merchant-1",
        device: String = "",
        ip: String = "",
        userAgent: String = "",
        amountMinor: Int64 = 4_500,
        at eventTimeMs: Int64,
        location: (latitude: Double, longitude: Double)? = nil,
        country: String = "",
        category: String = "5411",
        method: String = "credit_card",
        channel: TransactionChannel = .cardPresent
    ) -> TransactionFeatures {
        TransactionFeatures(
            cardID: card, merchantID: merchant, deviceID: device, ipAddress: ip, userAgent: userAgent,
            amountMinor: amountMinor, eventTimeMs: eventTimeMs, location: location, country: country,
            merchantCategory: category, paymentMethod: method, channel: channel)
    }

    /// A card with `days` days of ordinary history in New York: two purchases a day around $45.
    static func establishHistory(
        on engine: RiskEngine, card: String = "card-1", days: Int = 10, device: String = "",
        ip: String = "", userAgent: String = ""
    ) -> Int64 {
        var time = start
        let amounts: [Int64] = [3_800, 5_200, 4_100, 4_700, 3_900, 5_500, 4_300, 4_900]
        for day in 0..<days {
            for purchase in 0..<2 {
                time = start + Int64(day) * 86_400_000 + Int64(purchase) * 3 * 3_600_000
                _ = engine.score(
                    transaction(
                        card: card, merchant: "merchant-\(purchase)", device: device, ip: ip, userAgent: userAgent,
                        amountMinor: amounts[(day * 2 + purchase) % amounts.count], at: time,
                        location: newYork, country: "US"))
            }
        }
        return time
    }
}

extension RiskAssessment {
    var contributionTotal: Float {
        RiskFactor.allCases.reduce(0) { $0 + self[$1].contribution }
    }
}
