/// One merchant-analytics window, as published (JSON) on the analytics topic.
public struct MerchantAnalyticsRecord: Codable, Sendable, Equatable {
    /// A name and how often / how much it occurred.
    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var transactions: Int
        public var revenue: Double
    }

    public var windowStart: String
    public var windowEnd: String
    public var windowStartMs: Int64
    public var windowEndMs: Int64
    public var transactions: Int
    /// Sum of amounts in major units (currencies are not converted).
    public var revenue: Double
    public var averageAmount: Double
    public var uniqueCards: Int
    /// Up to ten, by revenue.
    public var topCategories: [Entry]
    /// Up to ten, by revenue.
    public var topMerchants: [Entry]
    /// Share of transactions (0...1) per value.
    public var paymentMethods: [String: Double]
    public var devices: [String: Double]
    public var countries: [String: Double]
    /// Transactions per level, every level present.
    public var alertsByLevel: [String: Int]
    /// Alerts published / transactions.
    public var alertRate: Double
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
