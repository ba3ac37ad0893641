import StreamifyWire

/// Everyday purchases: cards awake at their local hour, at their usual merchants, devices and amounts.
extension TransactionStream {
    /// Where a card is, forgetting trips that are over.
    package mutating func whereabouts(cardIndex: Int, atMs timeMs: Int64) -> Trip.Whereabouts {
        guard let trip = trips[cardIndex] else { return .home }
        let whereabouts = trip.whereabouts(atMs: timeMs)
        if whereabouts == .home && timeMs >= trip.returnArrivalMs { trips[cardIndex] = nil }
        return whereabouts
    }

    /// The city a card is in (its home unless away on a trip).
    package mutating func currentCityIndex(cardIndex: Int, atMs timeMs: Int64) -> Int {
        if case .away(let cityIndex) = whereabouts(cardIndex: cardIndex, atMs: timeMs) { return cityIndex }
        return world.cards[cardIndex].homeCityIndex
    }

    /// A card on the ground and awake at `timeMs` where it is (night is quiet: 8% of the daytime activity).
    private mutating func pickActiveCard(atMs timeMs: Int64) -> Int {
        var candidate = 0
        for _ in 0..<64 {
            candidate = random.int(0...(world.cards.count - 1))
            let whereabouts = whereabouts(cardIndex: candidate, atMs: timeMs)
            if whereabouts == .inTheAir { continue }
            let cityIndex = currentCityIndex(cardIndex: candidate, atMs: timeMs)
            let hour = world.cities[cityIndex].localHour(atUnixMs: timeMs)
            if world.cards[candidate].activeHours.contains(hour) || random.chance(0.08) { return candidate }
        }
        return candidate
    }

    /// Plans a trip leaving one to three hours from now.
    private mutating func planTrip(cardIndex: Int, atMs timeMs: Int64) {
        let home = world.cards[cardIndex].homeCityIndex
        let destination = distantCity(from: home, minimumKilometres: 300)
        let flight = Trip.flightMs(kilometres: world.cities[home].distanceKilometres(to: world.cities[destination]))
        let departure = timeMs + Int64(random.int(1...3)) * Self.hour
        let returnDeparture = departure + flight + Int64(random.uniform(1...6) * Double(Self.day))
        trips[cardIndex] = Trip(
            destinationCityIndex: destination,
            ipAddress: World.ipAddress(cityIndex: destination, card: cardIndex, random: &random),
            departureMs: departure, arrivalMs: departure + flight,
            returnDepartureMs: returnDeparture, returnArrivalMs: returnDeparture + flight)
    }

    /// An everyday purchase by an awake card, wherever it is.
    package mutating func legitimate(atMs timeMs: Int64) -> LabelledTransaction {
        let cardIndex = pickActiveCard(atMs: timeMs)
        let card = world.cards[cardIndex]
        let cityIndex = currentCityIndex(cardIndex: cardIndex, atMs: timeMs)
        if trips[cardIndex] == nil && random.chance(Self.tripProbability) { planTrip(cardIndex: cardIndex, atMs: timeMs) }
        let channel = CardChannel(rawValue: random.weightedIndex(card.channelWeights))!
        let transaction: Transaction
        switch channel {
        case .online:
            transaction = onlinePurchase(card: card, cityIndex: cityIndex, atMs: timeMs)
        case .cardPresent, .contactless:
            transaction = inStorePurchase(card: card, cityIndex: cityIndex, atMs: timeMs, contactless: channel == .contactless)
        case .atm:
            transaction = atmWithdrawal(card: card, cityIndex: cityIndex, atMs: timeMs)
        }
        return LabelledTransaction(transaction: transaction, truth: .legitimate, cardIndex: cardIndex)
    }

    /// A typical amount for this card at this category: log-normal around the geometric mean
    /// of the card's median and the category's.
    package mutating func usualAmount(card: Card, categoryIndex: Int) -> Int64 {
        let category = world.categories[categoryIndex]
        let median = (card.medianAmountMinor * category.medianAmountMinor).squareRoot()
        return max(50, Int64(random.logNormal(median: median, sigma: category.amountSigma * 0.8)))
    }

    private mutating func onlinePurchase(card: Card, cityIndex: Int, atMs timeMs: Int64) -> Transaction {
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
        let city = world.cities[cityIndex]
        let ipAddress = cityIndex == card.homeCityIndex ? card.ipAddress : trips[card.index]?.ipAddress ?? card.ipAddress
        // A new phone now and then: a legitimate new device.
        let device = random.chance(0.003)
            ? Card.Device(id: "dev-\(seedTag)-\(card.index)-n\(random.hex(digits: 6))", userAgent: random.pick(World.userAgents))
            : random.pick(card.devices)
        rememberPurchase(card: card.index, merchant: merchantIndex)
        return Transaction(
            cardID: card.id, merchantID: merchant.id,
            amountMinor: usualAmount(card: card, categoryIndex: merchant.categoryIndex), currency: "USD",
            eventTimeMs: timeMs, location: jittered(city, degrees: 0.05), country: city.country,
            deviceID: device.id, ipAddress: ipAddress, userAgent: device.userAgent,
            merchantCategory: world.categories[merchant.categoryIndex].code,
            paymentMethod: random.chance(0.2) ? "wallet" : card.paymentMethod, channel: .online)
    }

    private mutating func inStorePurchase(card: Card, cityIndex: Int, atMs timeMs: Int64, contactless: Bool) -> Transaction {
        let favouriteLocal = card.favouriteMerchants.filter { !world.merchants[$0].isOnline }
        let merchantIndex =
            cityIndex == card.homeCityIndex && !favouriteLocal.isEmpty && random.chance(0.7)
            ? random.pick(favouriteLocal) : random.pick(world.localMerchants[cityIndex])
        let merchant = world.merchants[merchantIndex]
        let city = world.cities[merchant.cityIndex ?? cityIndex]
        rememberPurchase(card: card.index, merchant: merchantIndex)
        return Transaction(
            cardID: card.id, merchantID: merchant.id,
            amountMinor: usualAmount(card: card, categoryIndex: merchant.categoryIndex), currency: "USD",
            eventTimeMs: timeMs, location: jittered(city, degrees: 0.03), country: city.country,
            merchantCategory: world.categories[merchant.categoryIndex].code,
            paymentMethod: contactless && random.chance(0.3) ? "wallet" : card.paymentMethod,
            channel: contactless ? .contactless : .cardPresent)
    }

    private mutating func atmWithdrawal(card: Card, cityIndex: Int, atMs timeMs: Int64) -> Transaction {
        let city = world.cities[cityIndex]
        return Transaction(
            cardID: card.id, merchantID: "atm-\(seedTag)-\(cityIndex)-\(random.int(0...19))",
            amountMinor: Int64(random.int(1...20)) * 2_000, currency: "USD", eventTimeMs: timeMs,
            location: jittered(city, degrees: 0.03), country: city.country,
            merchantCategory: MerchantSector.atmCode, paymentMethod: "debit_card", channel: .atm)
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
    package mutating func jittered(_ city: City, degrees: Double) -> GeoPoint {
        GeoPoint(
            latitude: city.latitude + random.uniform(-degrees...degrees),
            longitude: city.longitude + random.uniform(-degrees...degrees))
    }
}
