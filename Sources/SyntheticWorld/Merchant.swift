/// A place that takes cards.
package struct Merchant: Sendable, Hashable {
    package var index: Int
    package var id: String
    package var categoryIndex: Int
    /// `nil` for online-only merchants.
    package var cityIndex: Int?

    package var isOnline: Bool { cityIndex == nil }
}
