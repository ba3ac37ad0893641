/// A sector of the synthetic economy: what the daemon sees as `merchant_category` (an MCC), and
/// its price range. (The daemon's own reading of that field is `ScoringModel.MerchantCategory`.)
package struct MerchantSector: Sendable, Hashable {
    /// Sent as `merchant_category`: an ISO 18245 MCC, or a category name the daemon knows.
    package var code: String
    package var name: String
    /// Typical ticket in minor units (cents), and the spread of the log-normal around it.
    package var medianAmountMinor: Double
    package var amountSigma: Double
    /// Share of this category's merchants that sell online only.
    package var onlineShare: Double
    /// Relative number of merchants of this category.
    package var weight: Double
    /// Categories fraudsters cash out through (gift cards, crypto, wire transfers, gambling).
    package var isRisky: Bool

    /// The built-in categories.
    package static let all: [MerchantSector] = [
        MerchantSector(code: "5411", name: "Grocery stores", medianAmountMinor: 4_500, amountSigma: 0.6, onlineShare: 0.1, weight: 14, isRisky: false),
        MerchantSector(code: "5812", name: "Restaurants", medianAmountMinor: 3_200, amountSigma: 0.5, onlineShare: 0.05, weight: 14, isRisky: false),
        MerchantSector(code: "5814", name: "Fast food", medianAmountMinor: 1_200, amountSigma: 0.4, onlineShare: 0.1, weight: 10, isRisky: false),
        MerchantSector(code: "5541", name: "Service stations", medianAmountMinor: 4_000, amountSigma: 0.4, onlineShare: 0, weight: 7, isRisky: false),
        MerchantSector(code: "5912", name: "Drug stores", medianAmountMinor: 2_000, amountSigma: 0.6, onlineShare: 0.1, weight: 6, isRisky: false),
        MerchantSector(code: "5311", name: "Department stores", medianAmountMinor: 6_500, amountSigma: 0.7, onlineShare: 0.3, weight: 5, isRisky: false),
        MerchantSector(code: "5651", name: "Clothing", medianAmountMinor: 7_000, amountSigma: 0.6, onlineShare: 0.4, weight: 6, isRisky: false),
        MerchantSector(code: "Electronics", name: "Electronics", medianAmountMinor: 18_000, amountSigma: 0.9, onlineShare: 0.5, weight: 4, isRisky: false),
        MerchantSector(code: "5944", name: "Jewelry", medianAmountMinor: 25_000, amountSigma: 0.9, onlineShare: 0.3, weight: 1.5, isRisky: false),
        MerchantSector(code: "4121", name: "Taxis and rideshare", medianAmountMinor: 1_800, amountSigma: 0.5, onlineShare: 1, weight: 4, isRisky: false),
        MerchantSector(code: "4511", name: "Airlines", medianAmountMinor: 38_000, amountSigma: 0.7, onlineShare: 1, weight: 1, isRisky: false),
        MerchantSector(code: "7011", name: "Hotels", medianAmountMinor: 16_000, amountSigma: 0.6, onlineShare: 0.5, weight: 2, isRisky: false),
        MerchantSector(code: "4899", name: "Streaming and cable", medianAmountMinor: 1_500, amountSigma: 0.3, onlineShare: 1, weight: 3, isRisky: false),
        MerchantSector(code: "5735", name: "Digital goods", medianAmountMinor: 900, amountSigma: 0.8, onlineShare: 1, weight: 3, isRisky: false),
        MerchantSector(code: "5942", name: "Book stores", medianAmountMinor: 2_200, amountSigma: 0.5, onlineShare: 0.5, weight: 2, isRisky: false),
        MerchantSector(code: "5999", name: "Miscellaneous retail", medianAmountMinor: 3_500, amountSigma: 0.8, onlineShare: 0.4, weight: 8, isRisky: false),
        MerchantSector(code: "6011", name: "ATM cash", medianAmountMinor: 10_000, amountSigma: 0.6, onlineShare: 0, weight: 3, isRisky: false),
        MerchantSector(code: "gift_cards", name: "Gift cards", medianAmountMinor: 5_000, amountSigma: 0.6, onlineShare: 0.8, weight: 1, isRisky: true),
        MerchantSector(code: "crypto", name: "Crypto exchanges", medianAmountMinor: 20_000, amountSigma: 0.8, onlineShare: 1, weight: 0.6, isRisky: true),
        MerchantSector(code: "wire transfer", name: "Money transfer", medianAmountMinor: 30_000, amountSigma: 0.8, onlineShare: 1, weight: 0.6, isRisky: true),
        MerchantSector(code: "gambling", name: "Gambling", medianAmountMinor: 5_000, amountSigma: 0.8, onlineShare: 0.9, weight: 0.6, isRisky: true),
    ]

    /// The ATM category (amounts are rounded to banknotes).
    package static let atmCode = "6011"
}
