import StreamifyWire

/// Everyday purchases: cards awake at their local hour, at their usual merchants, devices and amounts.
extension TransactionStream {
    /// A card awake at `timeMs` in its home city (night is quiet: 8% of the daytime activity).
    private mutating func pickActiveCard(atMs timeMs: Int64) -> Int {
        for _ in 0..<64 {
            let index = random.int(0...(world.cards.count - 1))
            let card = world.cards[index]
            let hour = world.cities[card.homeCityIndex].localHour(atUnixMs: timeMs)
            if card.activeHours.contains(hour) || random.chance(0.08) { return index }
        }
        return random.int(0...(world.cards.count - 1))
    }

    /// An everyday purchase by an awake card.
    mutating func legitimate(atMs timeMs: Int64) -> LabelledTransaction {
        let cardIndex = pickActiveCard(atMs: timeMs)
        let card = world.cards[cardIndex]
        let channel = CardChannel(rawValue: random.weightedIndex(card.channelWeights))!
        let transaction: Transaction
        switch channel {
        case .online:
            transaction = onlinePurchase(card: card, atMs: timeMs)
        case .cardPresent, .contactless:
            transaction = inStorePurchase(card: card, atMs: timeMs, contactless: channel == .contactless)
        case .atm:
            transaction = atmWithdrawal(card: card, atMs: timeMs)
        }
        return LabelledTransaction(transaction: transaction, truth: .legitimate, cardIndex: cardIndex)
    }

    /// A typical amount for this card at this category: log-normal around the geometric mean
    /// of the card's median and the category's.
    mutating func usualAmount(card: Card, categoryIndex: Int) -> Int64 {
        let category = world.categories[categoryIndex]
        let median = (card.medianAmountMinor * category.medianAmountMinor).squareRoot()
        return max(50, Int64(random.logNormal(median: median, sigma: category.amountSigma * 0.8)))
    }

    private mutating func onlinePurchase(card: Card, atMs timeMs: Int64) -> Transaction {
        let favouriteOnline = card.favouriteMerchants.filter { world.merchants[$0].isOnline }
        let merchantIndex: Int
        if random.chance(0.015) {
            merchantIndex = random.pick(world.allRiskyOnlineMerchants)  // now and then people do buy gift cards
        } else if !favouriteOnline.isEmpty && random.chance(0.6) {
            merchantIndex = random.pick(favouriteOnline)
        } else {
            merchantIndex = random.pick(world.onlineMerchants)
        }
        let merchant = world.merchants[merchantIndex]
        let home = world.cities[card.homeCityIndex]
        // A new phone now and then: a legitimate new device.
        let device = random.chance(0.003)
            ? Card.Device(id: "dev-\(seedTag)-\(card.index)-n\(random.hex(digits: 6))", userAgent: random.pick(World.userAgents))
            : random.pick(card.devices)
        rememberPurchase(card: card.index, merchant: merchantIndex)
        return Transaction(
            cardID: card.id, merchantID: merchant.id,
            amountMinor: usualAmount(card: card, categoryIndex: merchant.categoryIndex), currency: "USD",
            eventTimeMs: timeMs, location: jittered(home, degrees: 0.05), country: home.country,
            deviceID: device.id, ipAddress: card.ipAddress, userAgent: device.userAgent,
            merchantCategory: world.categories[merchant.categoryIndex].code,
            paymentMethod: random.chance(0.2) ? "wallet" : card.paymentMethod, channel: .online)
    }

    private mutating func inStorePurchase(card: Card, atMs timeMs: Int64, contactless: Bool) -> Transaction {
        let favouriteLocal = card.favouriteMerchants.filter { !world.merchants[$0].isOnline }
        let merchantIndex =
            !favouriteLocal.isEmpty && random.chance(0.7)
            ? random.pick(favouriteLocal) : random.pick(world.localMerchants[card.homeCityIndex])
        let merchant = world.merchants[merchantIndex]
        let city = world.cities[merchant.cityIndex ?? card.homeCityIndex]
        rememberPurchase(card: card.index, merchant: merchantIndex)
        return Transaction(
            cardID: card.id, merchantID: merchant.id,
            amountMinor: usualAmount(card: card, categoryIndex: merchant.categoryIndex), currency: "USD",
            eventTimeMs: timeMs, location: jittered(city, degrees: 0.03), country: city.country,
            merchantCategory: world.categories[merchant.categoryIndex].code,
            paymentMethod: contactless && random.chance(0.3) ? "wallet" : card.paymentMethod,
            channel: contactless ? .contactless : .cardPresent)
    }

    private mutating func atmWithdrawal(card: Card, atMs timeMs: Int64) -> Transaction {
        let home = world.cities[card.homeCityIndex]
        return Transaction(
            cardID: card.id, merchantID: "atm-\(seedTag)-\(card.homeCityIndex)-\(random.int(0...19))",
            amountMinor: Int64(random.int(1...20)) * 2_000, currency: "USD", eventTimeMs: timeMs,
            location: jittered(home, degrees: 0.03), country: home.country,
            merchantCategory: MerchantCategory.atmCode, paymentMethod: "debit_card", channel: .atm)
    }

    private mutating func rememberPurchase(card: Int, merchant: Int) {
        let purchase = Purchase(cardIndex: card, merchantIndex: merchant)
        if recentPurchases.count < Self.recentPurchasesCapacity {
            recentPurchases.append(purchase)
        } else {
            recentPurchases[recentPurchasesNext] = purchase
        }
        recentPurchasesNext = (recentPurchasesNext + 1) % Self.recentPurchasesCapacity
    }

    /// A point near the city centre.
    mutating func jittered(_ city: City, degrees: Double) -> GeoPoint {
        GeoPoint(
            latitude: city.latitude + random.uniform(-degrees...degrees),
            longitude: city.longitude + random.uniform(-degrees...degrees))
    }
}
