/// One card and its owner's habits.
public struct Card: Sendable, Hashable {
    /// A device the cardholder shops online with.
    public struct Device: Sendable, Hashable {
        public var id: String
        public var userAgent: String
    }

    public var index: Int
    public var id: String
    public var homeCityIndex: Int
    /// The centre of this cardholder's spending, in minor units; amounts are log-normal around it.
    public var medianAmountMinor: Double
    /// Local hours this cardholder is active (inclusive start, exclusive end); night is quiet.
    public var activeHours: Range<Int>
    public var devices: [Device]
    public var ipAddress: String
    /// Merchants this cardholder returns to.
    public var favouriteMerchants: [Int]
    /// Relative use of card present, contactless, online and ATM, in `CardChannel.allCases` order.
    public var channelWeights: [Double]
    /// "credit_card" or "debit_card".
    public var paymentMethod: String
}
