/// The named features of a `FeatureVector`. The declaration order is the layout: a case's
/// `rawValue` is its index in the vector, so adding a feature is one case here with its `name`
/// and `factor`, and nothing is numbered by hand. The one-hot category, method and channel
/// indicators follow the named features, and the hand-set verdict comes last
/// (`FeatureVector.handsetLogit`).
///
/// The factor scores come first, in `RiskFactor` order (`score(of:)`). Model files and snapshots
/// name or index features in this order, so a new feature goes before the one-hots, and a
/// rename changes what existing model files mean.
public enum Feature: Int, Sendable, CaseIterable, BitwiseCopyable {
    // Factor scores, 0...1, in `RiskFactor` order.
    /// The amount factor's score.
    case amountScore
    /// The velocity factor's score.
    case velocityScore
    /// The geographic factor's score.
    case geographicScore
    /// The device factor's score.
    case deviceScore
    /// The pattern factor's score.
    case patternScore

    // Amount.
    /// z-score of ln(amount) against the card's profile (blended with the population's), within ±10.
    case amountZ
    /// ln(amount / the card's typical amount).
    case amountLogRatio
    /// log10 of the amount in major units (at least 1).
    case amountLog10
    /// 1 when the card had fewer than 3 earlier transactions.
    case coldStart
    /// ln(1 + days since the card's entry was created); 0 on its first transaction.
    case cardAgeLogDays

    // Velocity.
    /// ln of the card's transactions in the last minute, this one included.
    case count1mLog
    /// ln of the card's transactions in the last hour, this one included.
    case count1hLog
    /// ln of the card's transactions in the last 24 h, this one included.
    case count24hLog
    /// ln(24 h spend, this one included / the card's usual daily spend).
    case spend24hLogRatio

    // Geographic.
    /// log10(1 + km/h implied since the card's last located transaction); 0 without one.
    case travelSpeedLog10
    /// log10(1 + km from the card's last located transaction); 0 without one.
    case travelDistanceLog10
    /// 1 when a known country is not among the card's recent ones (and the card had one before).
    case countryChange

    // Device.
    /// 1 when the device is new to a card that already has known devices.
    case newDevice
    /// Other cards that used this device in the last 24 h (a count, at most 6).
    case cardsSharingDevice
    /// 1 when a new device comes with both a changed IP address and a changed user agent.
    case networkChange
    /// 1 when confirmed fraud was tied to this device.
    case deviceTiedToFraud
    /// Other cards seen from this IP address in the last 24 h (tracked only for logistic models).
    case cardsSharingIP
    /// 1 when confirmed fraud was tied to this IP address (tracked only for logistic models).
    case ipTiedToFraud

    // Pattern.
    /// 1 for an amount under 2.00 away from a terminal (card testing).
    case microAmount
    /// 1 for a whole multiple of 100.00.
    case roundAmount
    /// 1 when the local hour and its neighbours hold under 3% of the card's history (20+ transactions).
    case unusualHour
    /// Confirmed fraud reported on the card, fading: 1 for one
    /// `EngineConfiguration.confirmedFraudHalfLifeSeconds` after the report, then halving every
    /// half-life; 0 without.
    case cardConfirmedFraud
    /// The merchant's smoothed fraud rate over 7 days (ending the outcome delay back), in percent.
    case merchantFraudPercent7d
    /// The merchant's smoothed fraud rate over 30 days (ending the outcome delay back), in percent.
    case merchantFraudPercent30d

    /// The feature holding `factor`'s score.
    @inline(__always)
    public static func score(of factor: RiskFactor) -> Feature {
        Feature(rawValue: factor.rawValue).unsafelyUnwrapped
    }

    /// The factor that explains this feature.
    public var factor: RiskFactor {
        switch self {
        case .amountScore, .amountZ, .amountLogRatio, .amountLog10, .coldStart, .cardAgeLogDays:
            .amount
        case .velocityScore, .count1mLog, .count1hLog, .count24hLog, .spend24hLogRatio:
            .velocity
        case .geographicScore, .travelSpeedLog10, .travelDistanceLog10, .countryChange:
            .geographic
        case .deviceScore, .newDevice, .cardsSharingDevice, .networkChange, .deviceTiedToFraud, .cardsSharingIP,
            .ipTiedToFraud:
            .device
        case .patternScore, .microAmount, .roundAmount, .unusualHour, .cardConfirmedFraud, .merchantFraudPercent7d,
            .merchantFraudPercent30d:
            .pattern
        }
    }

    /// The name model files give it.
    public var name: StaticString {
        switch self {
        case .amountScore: "amount_score"
        case .velocityScore: "velocity_score"
        case .geographicScore: "geographic_score"
        case .deviceScore: "device_score"
        case .patternScore: "pattern_score"
        case .amountZ: "amount_z"
        case .amountLogRatio: "amount_log_ratio"
        case .amountLog10: "amount_log10"
        case .coldStart: "cold_start"
        case .cardAgeLogDays: "card_age_log_days"
        case .count1mLog: "count_1m_log"
        case .count1hLog: "count_1h_log"
        case .count24hLog: "count_24h_log"
        case .spend24hLogRatio: "spend_24h_log_ratio"
        case .travelSpeedLog10: "travel_speed_log10_kmh"
        case .travelDistanceLog10: "travel_distance_log10_km"
        case .countryChange: "country_change"
        case .newDevice: "new_device"
        case .cardsSharingDevice: "cards_sharing_device"
        case .networkChange: "network_change"
        case .deviceTiedToFraud: "device_tied_to_fraud"
        case .cardsSharingIP: "cards_sharing_ip"
        case .ipTiedToFraud: "ip_tied_to_fraud"
        case .microAmount: "micro_amount"
        case .roundAmount: "round_amount"
        case .unusualHour: "unusual_hour"
        case .cardConfirmedFraud: "card_confirmed_fraud"
        case .merchantFraudPercent7d: "merchant_fraud_pct_7d"
        case .merchantFraudPercent30d: "merchant_fraud_pct_30d"
        }
    }
}
