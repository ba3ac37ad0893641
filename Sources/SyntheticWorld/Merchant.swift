/// A place that takes cards.
public struct Merchant: Sendable, Hashable {
    public var index: Int
    public var id: String
    public var categoryIndex: Int
    /// `nil` for online-only merchants.
    public var cityIndex: Int?

    public var isOnline: Bool { cityIndex == nil }
}
