/// One merchant-analytics window, as published (JSON) on the analytics topic.
public struct MerchantAnalyticsRecord: Codable, Sendable, Equatable {
    /// A name and how often / how much it occurred.
    public struct Entry: Codable, Sendable, Equatable {
        /// The merchant category (`unknown` when empty) or the merchant id.
        public var name: String
        /// Transactions under this name in the window.
        public var transactions: Int
        /// Sum of their amounts in major units.
        public var revenue: Double
    }

    /// Wall-clock start of the window (not event time), `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var windowStart: String
    /// Wall-clock end of the window, in the same format.
    public var windowEnd: String
    /// `windowStart` in Unix epoch milliseconds.
    public var windowStartMs: Int64
    /// `windowEnd` in Unix epoch milliseconds.
    public var windowEndMs: Int64
    /// Transactions scored in the window.
    public var transactions: Int
    /// Sum of amounts in major units (currencies are not converted).
    public var revenue: Double
    /// `revenue` per transaction; 0 for an empty window.
    public var averageAmount: Double
    /// Distinct cards in the window: exact up to 16,384, a HyperLogLog estimate beyond
    /// (`uniqueCardsEstimated`), so that a window's memory is bounded whatever the input.
    public var uniqueCards: Int
    /// Whether `uniqueCards` is an estimate (relative standard error 0.8 % to 1 %).
    public var uniqueCardsEstimated: Bool
    /// Up to ten, by revenue.
    public var topCategories: [Entry]
    /// Up to ten, by revenue.
    public var topMerchants: [Entry]
    /// Share of transactions (0...1) per value.
    public var paymentMethods: [String: Double]
    /// Share of transactions (0...1) per JSON `device_type`, or per channel for protobuf input.
    public var devices: [String: Double]
    /// Share of transactions (0...1) per country code.
    public var countries: [String: Double]
    /// Transactions per level, every level present.
    public var alertsByLevel: [String: Int]
    /// Alerts published / transactions.
    public var alertRate: Double
    /// `transactions` over the window's length in minutes.
    public var transactionsPerMinute: Double
    /// Values refused to the dead-letter topic in the window.
    public var deadLettered: Int

    enum CodingKeys: String, CodingKey {
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case windowStartMs = "window_start_ms"
        case windowEndMs = "window_end_ms"
        case transactions, revenue
        case averageAmount = "average_amount"
        case uniqueCards = "unique_cards"
        case uniqueCardsEstimated = "unique_cards_estimated"
        case topCategories = "top_categories"
        case topMerchants = "top_merchants"
        case paymentMethods = "payment_methods"
        case devices, countries
        case alertsByLevel = "alerts_by_level"
        case alertRate = "alert_rate"
        case transactionsPerMinute = "transactions_per_minute"
        case deadLettered = "dead_lettered"
    }
}
