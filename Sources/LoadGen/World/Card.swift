/// One card and its owner's habits.
struct Card: Sendable, Hashable {
    /// A device the cardholder shops online with.
    struct Device: Sendable, Hashable {
        var id: String
        var userAgent: String
    }

    var index: Int
    var id: String
    var homeCityIndex: Int
    /// The centre of this cardholder's spending, in minor units; amounts are log-normal around it.
    var medianAmountMinor: Double
    /// Local hours this cardholder is active (inclusive start, exclusive end); night is quiet.
    var activeHours: Range<Int>
    var devices: [Device]
    var ipAddress: String
    /// Merchants this cardholder returns to.
    var favouriteMerchants: [Int]
    /// Relative use of card present, contactless, online and ATM, in `CardChannel.allCases` order.
    var channelWeights: [Double]
    /// "credit_card" or "debit_card".
    var paymentMethod: String
}
