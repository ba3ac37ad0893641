/// One card and its owner's habits.
package struct Card: Sendable, Hashable {
    /// A device the cardholder shops online with.
    package struct Device: Sendable, Hashable {
        package var id: String
        package var userAgent: String
    }

    package var index: Int
    package var id: String
    package var homeCityIndex: Int
    /// The centre of this cardholder's spending, in minor units; amounts are log-normal around it.
    package var medianAmountMinor: Double
    /// Local hours this cardholder is active (inclusive start, exclusive end); night is quiet.
    package var activeHours: Range<Int>
    package var devices: [Device]
    package var ipAddress: String
    /// Merchants this cardholder returns to.
    package var favouriteMerchants: [Int]
    /// Relative use of card present, contactless, online and ATM, in `CardChannel.allCases` order.
    package var channelWeights: [Double]
    /// "credit_card" or "debit_card".
    package var paymentMethod: String
}
