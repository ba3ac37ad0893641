/// The numbers behind one decision: the five factor scores, the raw features behind them, and
/// one-hot merchant category, payment method and channel. Fixed-size and trivially copyable,
/// so filling it, logging it and learning from it never allocate.
///
/// Each factor's `evaluate` fills its own part. A learned combiner (`LogisticCombiner`) reads
/// the whole vector; the online learner trains on the vectors the outcome log kept. Features
/// are grouped by the factor that explains them (`group(of:)`), so a learned score can still
/// be split across the five factors.
///
/// Scales are chosen to keep every value within about ±10: counts and ratios are logarithms,
/// fraud rates are percentages, flags are 0 or 1.
public struct FeatureVector: Sendable, BitwiseCopyable {
    /// Room in the vector; `count` of it is used.
    public static let capacity = 64

    /// The features, at the indices below; only the first `count` are used.
    public var values: InlineArray<64, Float>

    /// An all-zero vector.
    public init() { values = .init(repeating: 0) }

    /// Feature `index` (0..<`capacity`).
    @inline(__always)
    public subscript(index: Int) -> Float {
        get { values[index] }
        set { values[index] = newValue }
    }

    /// Whether every value is a finite number (the learner refuses anything else).
    public var isFinite: Bool {
        for index in 0..<Self.count where !values[index].isFinite { return false }
        return true
    }

    // MARK: - Layout

    // Factor scores.
    /// The amount factor's score, 0...1.
    public static let amountScore = 0
    /// The velocity factor's score, 0...1.
    public static let velocityScore = 1
    /// The geographic factor's score, 0...1.
    public static let geographicScore = 2
    /// The device factor's score, 0...1.
    public static let deviceScore = 3
    /// The pattern factor's score, 0...1.
    public static let patternScore = 4
    // Amount.
    /// z-score of ln(amount) against the card's profile (blended with the population's), within ±10.
    public static let amountZ = 5
    /// ln(amount / the card's typical amount).
    public static let amountLogRatio = 6
    /// log10 of the amount in major units (at least 1).
    public static let amountLog10 = 7
    /// 1 when the card had fewer than 3 earlier transactions.
    public static let coldStart = 8
    /// ln(1 + days since the card's entry was created); 0 on its first transaction.
    public static let cardAgeLogDays = 9
    // Velocity.
    /// ln of the card's transactions in the last minute, this one included.
    public static let count1mLog = 10
    /// ln of the card's transactions in the last hour, this one included.
    public static let count1hLog = 11
    /// ln of the card's transactions in the last 24 h, this one included.
    public static let count24hLog = 12
    /// ln(24 h spend, this one included / the card's usual daily spend).
    public static let spend24hLogRatio = 13
    // Geographic.
    /// log10(1 + km/h implied since the card's last located transaction); 0 without one.
    public static let travelSpeedLog10 = 14
    /// log10(1 + km from the card's last located transaction); 0 without one.
    public static let travelDistanceLog10 = 15
    /// 1 when a known country is not among the card's recent ones (and the card had one before).
    public static let countryChange = 16
    // Device.
    /// 1 when the device is new to a card that already has known devices.
    public static let newDevice = 17
    /// Other cards that used this device in the last 24 h (a count, at most 6).
    public static let cardsSharingDevice = 18
    /// 1 when a new device comes with both a changed IP address and a changed user agent.
    public static let networkChange = 19
    /// 1 when confirmed fraud was tied to this device.
    public static let deviceTiedToFraud = 20
    /// Other cards seen from this IP address in the last 24 h (tracked only for logistic models).
    public static let cardsSharingIP = 21
    /// 1 when confirmed fraud was tied to this IP address (tracked only for logistic models).
    public static let ipTiedToFraud = 22
    // Pattern.
    /// 1 for an amount under 2.00 away from a terminal (card testing).
    public static let microAmount = 23
    /// 1 for a whole multiple of 100.00.
    public static let roundAmount = 24
    /// 1 when the local hour and its neighbours hold under 3% of the card's history (20+ transactions).
    public static let unusualHour = 25
    /// Confirmed fraud reported on the card, fading: 1 for one
    /// `EngineConfiguration.confirmedFraudHalfLifeSeconds` after the report, then halving every
    /// half-life; 0 without.
    public static let cardConfirmedFraud = 26
    /// The merchant's smoothed fraud rate over 7 days (ending the outcome delay back), in percent.
    public static let merchantFraudPercent7d = 27
    /// The merchant's smoothed fraud rate over 30 days (ending the outcome delay back), in percent.
    public static let merchantFraudPercent30d = 28
    /// First of the one-hot merchant categories (`MerchantCategory.rawValue` added).
    public static let categoryBase = 29
    /// First of the one-hot payment methods (`PaymentMethod.rawValue` added).
    public static let methodBase = categoryBase + MerchantCategory.allCases.count
    /// First of the one-hot channels (`TransactionChannel.rawValue` added).
    public static let channelBase = methodBase + PaymentMethod.allCases.count
    /// The hand-set noisy-OR's score as log-odds, within ±12: what the champion says, so a
    /// learned challenger can start from it (coefficient 1) and learn how far to trust it.
    public static let handsetLogit = channelBase + TransactionChannel.allCases.count
    /// Features in use.
    public static let count = handsetLogit + 1

    /// Index of `category`'s one-hot feature.
    @inline(__always)
    public static func category(_ category: MerchantCategory) -> Int { categoryBase + Int(category.rawValue) }

    /// Index of `method`'s one-hot feature.
    @inline(__always)
    public static func method(_ method: PaymentMethod) -> Int { methodBase + Int(method.rawValue) }

    /// Index of `channel`'s one-hot feature.
    @inline(__always)
    public static func channel(_ channel: TransactionChannel) -> Int { channelBase + Int(channel.rawValue) }

    /// The raw features behind each factor (besides its score, at the factor's `rawValue`),
    /// indexed by `RiskFactor.rawValue`; the pattern factor's range includes the one-hots.
    /// `handsetLogit` is in none: it speaks for all five, in the noisy-OR's proportions.
    public static let rawRanges: FactorSlots<Range<Int>> = [
        amountZ..<(cardAgeLogDays + 1), count1mLog..<(spend24hLogRatio + 1),
        travelSpeedLog10..<(countryChange + 1), newDevice..<(ipTiedToFraud + 1), microAmount..<handsetLogit,
    ]

    /// The factor that explains feature `index` (`.pattern` for `handsetLogit`, which a learned
    /// combiner splits across all five instead).
    @inline(__always)
    public static func group(of index: Int) -> RiskFactor {
        if index < 5 { return RiskFactor(rawValue: index)! }
        for factor in 0..<4 where rawRanges[factor].contains(index) { return RiskFactor(rawValue: factor)! }
        return .pattern
    }

    /// Whether feature `index` is a one-hot indicator (no hand-set signal describes it).
    @inline(__always)
    public static func isOneHot(_ index: Int) -> Bool { index >= categoryBase && index < handsetLogit }

    /// Feature names as model files spell them, indexed like the vector.
    public static let names: [StaticString] = {
        var names: [StaticString] = [
            "amount_score", "velocity_score", "geographic_score", "device_score", "pattern_score",
            "amount_z", "amount_log_ratio", "amount_log10", "cold_start", "card_age_log_days",
            "count_1m_log", "count_1h_log", "count_24h_log", "spend_24h_log_ratio",
            "travel_speed_log10_kmh", "travel_distance_log10_km", "country_change",
            "new_device", "cards_sharing_device", "network_change", "device_tied_to_fraud",
            "cards_sharing_ip", "ip_tied_to_fraud",
            "micro_amount", "round_amount", "unusual_hour", "card_confirmed_fraud",
            "merchant_fraud_pct_7d", "merchant_fraud_pct_30d",
        ]
        names += [
            "category_unknown", "category_grocery", "category_restaurant", "category_fuel", "category_retail",
            "category_clothing", "category_electronics", "category_jewelry", "category_travel",
            "category_digital_goods", "category_gift_cards", "category_money_transfer", "category_crypto",
            "category_gambling", "category_cash", "category_health", "category_utilities",
            "category_entertainment", "category_services",
        ]
        names += [
            "method_unknown", "method_credit_card", "method_debit_card", "method_wallet", "method_crypto",
            "method_wire_transfer", "method_gift_card", "method_prepaid_card", "method_bank_transfer",
            "method_buy_now_pay_later",
        ]
        names += ["channel_unspecified", "channel_card_present", "channel_online", "channel_contactless", "channel_atm"]
        names += ["handset_logit"]
        precondition(names.count == count && count <= capacity, "feature names out of step with the layout")
        return names
    }()

    /// Index of the feature called `name`, or `nil` (model loading only: it allocates).
    public static func index(named name: String) -> Int? {
        names.firstIndex { $0.string == name }
    }
}
