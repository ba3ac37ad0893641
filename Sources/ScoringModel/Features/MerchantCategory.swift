/// The merchant categories the risk model tells apart, from an ISO 18245 MCC or a category name.
public enum MerchantCategory: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    /// Not given, or not recognised.
    case unknown
    /// Groceries and supermarkets.
    case grocery
    /// Restaurants, cafés and fast food.
    case restaurant
    /// Fuel and gas stations.
    case fuel
    /// General retail: other MCCs in 5000...5999, and names such as books, toys or home goods.
    case retail
    /// Clothing, apparel and shoes.
    case clothing
    /// Electronics, computers and phones.
    case electronics
    /// Jewelry, watches and luxury goods.
    case jewelry
    /// Airlines, hotels, car rental and other travel.
    case travel
    /// Digital goods: games, software, app stores.
    case digitalGoods
    /// Gift cards, prepaid cards and stored value.
    case giftCards
    /// Money transfers, wires, remittances and money orders.
    case moneyTransfer
    /// Cryptocurrency and quasi-cash.
    case crypto
    /// Gambling, casinos, betting and lotteries.
    case gambling
    /// Cash withdrawals and cash advances.
    case cash
    /// Health, pharmacy and medical.
    case health
    /// Utilities and telecom.
    case utilities
    /// Entertainment: movies, streaming, events and tickets.
    case entertainment
    /// Services, subscriptions and education: other MCCs in 7000...8999.
    case services

    /// Parses an MCC ("5411") or a name ("Electronics", "gift_cards"); unrecognised text is `.unknown`.
    public init(bytes: UnsafeRawBufferPointer) {
        if let mcc = ASCIIName.decimalValue(bytes) {
            self = Self(mcc: mcc)
            return
        }
        self = Self.names.value(for: bytes) ?? .unknown
    }

    /// Parses an MCC or a category name from a `String`; unrecognised text is `.unknown`.
    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { MerchantCategory(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Maps an ISO 18245 merchant category code.
    public init(mcc: Int) {
        switch mcc {
        case 5411, 5422, 5441, 5451, 5462, 5499: self = .grocery
        case 5811, 5812, 5813, 5814: self = .restaurant
        case 5541, 5542, 5983: self = .fuel
        case 5611, 5621, 5631, 5641, 5651, 5655, 5661, 5691, 5699: self = .clothing
        case 4812, 5045, 5732, 5734, 5946: self = .electronics
        case 5094, 5944: self = .jewelry
        case 3000...3350, 3351...3999, 4111, 4112, 4121, 4131, 4411, 4511, 4722, 7011, 7512: self = .travel
        case 5815, 5816, 5817, 5818: self = .digitalGoods
        case 5947, 6540: self = .giftCards
        case 4829, 6050, 6532, 6533, 6536, 6537, 6538: self = .moneyTransfer
        case 6051: self = .crypto
        case 7800, 7801, 7802, 7995: self = .gambling
        case 6010, 6011: self = .cash
        case 5912, 8011, 8021, 8062, 8099: self = .health
        case 4900: self = .utilities
        case 7832, 7922, 7929, 7991, 7996, 7997, 7999: self = .entertainment
        case 5000...5999: self = .retail
        case 7000...8999: self = .services
        default: self = .unknown
        }
    }

    private static let names = ASCIIName.Table<MerchantCategory>([
        (["grocery", "groceries", "supermarket", "food"], .grocery),
        (["restaurant", "restaurants", "dining", "fast food", "cafe"], .restaurant),
        (["fuel", "gas", "gas station", "petrol"], .fuel),
        (["retail", "home", "home goods", "books", "sports", "toys", "beauty", "department store", "garden"], .retail),
        (["clothing", "apparel", "fashion", "shoes"], .clothing),
        (["electronics", "computers", "phones", "electronic"], .electronics),
        (["jewelry", "jewellery", "watches", "luxury"], .jewelry),
        (["travel", "airline", "airlines", "hotel", "hotels", "car rental"], .travel),
        (["digital goods", "digital", "games", "gaming", "software", "app store"], .digitalGoods),
        (["gift card", "gift cards", "giftcard", "prepaid", "prepaid cards", "stored value"], .giftCards),
        (["money transfer", "wire transfer", "remittance", "money order", "money orders"], .moneyTransfer),
        (["crypto", "cryptocurrency", "crypto exchange", "quasi cash"], .crypto),
        (["gambling", "casino", "betting", "lottery"], .gambling),
        (["cash", "atm", "cash advance"], .cash),
        (["health", "pharmacy", "medical"], .health),
        (["utilities", "utility", "telecom"], .utilities),
        (["entertainment", "movies", "streaming", "events", "tickets"], .entertainment),
        (["services", "subscription", "education"], .services),
    ])

    /// Human-readable name, for reasons.
    public var name: StaticString {
        switch self {
        case .unknown: "unknown category"
        case .grocery: "grocery"
        case .restaurant: "restaurant"
        case .fuel: "fuel"
        case .retail: "retail"
        case .clothing: "clothing"
        case .electronics: "electronics"
        case .jewelry: "jewelry"
        case .travel: "travel"
        case .digitalGoods: "digital goods"
        case .giftCards: "gift cards"
        case .moneyTransfer: "money transfer"
        case .crypto: "crypto"
        case .gambling: "gambling"
        case .cash: "cash"
        case .health: "health"
        case .utilities: "utilities"
        case .entertainment: "entertainment"
        case .services: "services"
        }
    }
}
