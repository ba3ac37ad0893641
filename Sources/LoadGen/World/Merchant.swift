/// A place that takes cards.
struct Merchant: Sendable, Hashable {
    var index: Int
    var id: String
    var categoryIndex: Int
    /// `nil` for online-only merchants.
    var cityIndex: Int?

    var isOnline: Bool { cityIndex == nil }
}
