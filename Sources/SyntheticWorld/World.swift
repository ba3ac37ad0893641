/// The synthetic population: cities, merchants and cards, built deterministically from a seed.
package struct World: Sendable {
    package let cities: [City]
    package let categories: [MerchantSector]
    package let merchants: [Merchant]
    package let cards: [Card]
    /// Merchants with a shop in each city (by city index).
    package let localMerchants: [[Int]]
    /// Online-only merchants.
    package let onlineMerchants: [Int]
    /// Online merchants of each risky category code ("gift_cards", "crypto", ...).
    package let riskyOnlineMerchants: [String: [Int]]
    /// All risky online merchants, in index order.
    package let allRiskyOnlineMerchants: [Int]

    package static let userAgents = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "StreamifyBank/7.4 (iOS 18.1)",
        "StreamifyBank/7.4 (Android 15)",
    ]

    package init(configuration: WorldConfiguration) {
        var random = SeededRandom(seed: configuration.seed)
        let seedTag = String(configuration.seed, radix: 36)
        let cities = CityTable.cities
        let categories = MerchantSector.all
        self.cities = cities
        self.categories = categories
        // Bigger cities (earlier in the table) get more cards and shops.
        let cityWeights = cities.indices.map { 1 / Double($0 + 8).squareRoot() }
        let categoryWeights = categories.map(\.weight)

        var merchants: [Merchant] = []
        var localMerchants = Array(repeating: [Int](), count: cities.count)
        var onlineMerchants: [Int] = []
        var riskyOnline: [String: [Int]] = [:]
        for index in 0..<max(configuration.merchantCount, 1) {
            let categoryIndex = random.weightedIndex(categoryWeights)
            let category = categories[categoryIndex]
            let cityIndex: Int? = random.chance(category.onlineShare) ? nil : random.weightedIndex(cityWeights)
            merchants.append(Merchant(index: index, id: "mer-\(seedTag)-\(index)", categoryIndex: categoryIndex, cityIndex: cityIndex))
            if let cityIndex {
                localMerchants[cityIndex].append(index)
            } else {
                onlineMerchants.append(index)
                if category.isRisky { riskyOnline[category.code, default: []].append(index) }
            }
        }
        // Every city needs a shop and every risky category an online outlet.
        for cityIndex in cities.indices where localMerchants[cityIndex].isEmpty {
            let index = merchants.count
            merchants.append(Merchant(index: index, id: "mer-\(seedTag)-\(index)", categoryIndex: 0, cityIndex: cityIndex))
            localMerchants[cityIndex].append(index)
        }
        for (categoryIndex, category) in categories.enumerated() where category.isRisky && riskyOnline[category.code] == nil {
            let index = merchants.count
            merchants.append(Merchant(index: index, id: "mer-\(seedTag)-\(index)", categoryIndex: categoryIndex, cityIndex: nil))
            onlineMerchants.append(index)
            riskyOnline[category.code] = [index]
        }
        let ordinaryOnline = onlineMerchants.filter { !categories[merchants[$0].categoryIndex].isRisky }

        var cards: [Card] = []
        cards.reserveCapacity(configuration.cardCount)
        for index in 0..<max(configuration.cardCount, 1) {
            let homeCityIndex = random.weightedIndex(cityWeights)
            let deviceCount = random.weightedIndex([0.5, 0.35, 0.15]) + 1
            let devices = (0..<deviceCount).map { deviceIndex in
                Card.Device(id: "dev-\(seedTag)-\(index)-\(deviceIndex)", userAgent: random.pick(Self.userAgents))
            }
            let local = localMerchants[homeCityIndex]
            var favourites: [Int] = []
            for _ in 0..<random.int(2...5) { favourites.append(random.pick(local)) }
            for _ in 0..<random.int(1...3) where !ordinaryOnline.isEmpty { favourites.append(random.pick(ordinaryOnline)) }
            let start = random.int(6...10)
            let end = random.int(20...23)
            cards.append(
                Card(
                    index: index,
                    id: "card-\(seedTag)-\(index)",
                    homeCityIndex: homeCityIndex,
                    medianAmountMinor: min(max(random.logNormal(median: 3_500, sigma: 0.6), 500), 50_000),
                    activeHours: start..<end,
                    devices: devices,
                    ipAddress: Self.ipAddress(cityIndex: homeCityIndex, card: index, random: &random),
                    favouriteMerchants: favourites,
                    channelWeights: [random.uniform(0.2...0.5), random.uniform(0.1...0.4), random.uniform(0.15...0.5), random.uniform(0.01...0.06)],
                    paymentMethod: random.chance(0.55) ? "credit_card" : "debit_card"
                ))
        }
        self.merchants = merchants
        self.localMerchants = localMerchants
        self.onlineMerchants = ordinaryOnline
        self.riskyOnlineMerchants = riskyOnline
        self.allRiskyOnlineMerchants = riskyOnline.values.flatMap { $0 }.sorted()
        self.cards = cards
    }

    /// A public-looking IPv4 address whose first octets follow the city, as geolocation would.
    package static func ipAddress(cityIndex: Int, card: Int, random: inout SeededRandom) -> String {
        let first = 11 + cityIndex % 180
        let second = (cityIndex / 180) * 50 + random.int(0...49)
        return "\(first).\(second).\(random.int(0...255)).\(random.int(1...254))"
    }
}
