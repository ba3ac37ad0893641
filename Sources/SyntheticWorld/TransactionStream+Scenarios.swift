import StreamifyWire

/// The fraud scenarios: each schedules its transactions, starting now.
extension TransactionStream {
    package static let minute: Int64 = 60_000
    package static let hour: Int64 = 60 * minute
    package static let day: Int64 = 24 * hour

    package static let fraudsterUserAgents = [
        "python-requests/2.32.3",
        "Go-http-client/1.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "okhttp/4.12.0",
    ]

    package mutating func startScenario() {
        let scenarios = activeScenarios
        var scenario = scenarios[random.weightedIndex(scenarios.map(\.startWeight))]
        if scenario == .compromisedMerchant && recentPurchases.isEmpty {
            scenario = scenarios.first { $0 != .compromisedMerchant } ?? .amountSpike
        }
        let now = Int64(clockMs)
        // Scenarios that use the cardholder's own habits start with the card at home.
        var cardIndex = random.int(0...(world.cards.count - 1))
        var attempts = 0
        while whereabouts(cardIndex: cardIndex, atMs: now) != .home && attempts < 16 {
            cardIndex = random.int(0...(world.cards.count - 1))
            attempts += 1
        }
        switch scenario {
        case .cardTesting: scheduleCardTesting(cardIndex: cardIndex, startMs: now)
        case .accountTakeover: scheduleAccountTakeover(cardIndex: cardIndex, startMs: now)
        case .impossibleTravel: scheduleImpossibleTravel(cardIndex: cardIndex, startMs: now)
        case .compromisedMerchant: scheduleCompromisedMerchant(startMs: now)
        case .amountSpike: scheduleAmountSpike(cardIndex: cardIndex, startMs: now)
        case .riskyPattern: scheduleRiskyPattern(cardIndex: cardIndex, startMs: now)
        case .buyNowPayLater: scheduleBuyNowPayLater(cardIndex: cardIndex, startMs: now)
        case .terminalCompromise, .skimmedCard, .nightCashOut, .labelled: break  // not the city world's; never active here
        }
    }

    /// A city at least `minimumKilometres` from `city`, in another country when possible.
    package mutating func distantCity(from cityIndex: Int, minimumKilometres: Double) -> Int {
        let home = world.cities[cityIndex]
        var best = cityIndex
        var bestDistance = -1.0
        for _ in 0..<64 {
            let candidate = random.int(0...(world.cities.count - 1))
            let city = world.cities[candidate]
            let distance = home.distanceKilometres(to: city)
            if distance >= minimumKilometres && city.country != home.country { return candidate }
            if distance > bestDistance {
                best = candidate
                bestDistance = distance
            }
        }
        return best
    }

    /// A device, IP and user agent the card has never used, somewhere else.
    package mutating func fraudsterIdentity(cityIndex: Int, userAgents: [String]) -> (device: String, ip: String, userAgent: String) {
        (
            device: "dev-x-\(seedTag)-\(random.hex(digits: 10))",
            ip: World.ipAddress(cityIndex: cityIndex, card: 0, random: &random),
            userAgent: random.pick(userAgents)
        )
    }

    /// Online micro-charges (0.50 to 1.99) at several merchants, seconds apart, from a script.
    package mutating func scheduleCardTesting(cardIndex: Int, startMs: Int64) {
        let card = world.cards[cardIndex]
        let cityIndex = distantCity(from: card.homeCityIndex, minimumKilometres: 500)
        let city = world.cities[cityIndex]
        let fraudster = fraudsterIdentity(cityIndex: cityIndex, userAgents: Self.fraudsterUserAgents)
        var time = startMs
        for _ in 0..<random.int(5...15) {
            let merchant = world.merchants[random.pick(world.onlineMerchants)]
            let transaction = Transaction(
                cardID: card.id, merchantID: merchant.id, amountMinor: Int64(random.int(50...199)), currency: "USD",
                eventTimeMs: time, location: jittered(city, degrees: 0.05), country: city.country,
                deviceID: fraudster.device, ipAddress: fraudster.ip, userAgent: fraudster.userAgent,
                merchantCategory: world.categories[merchant.categoryIndex].code,
                paymentMethod: card.paymentMethod, channel: .online)
            schedule(transaction, atMs: time, truth: GroundTruth(scenario: .cardTesting), cardIndex: cardIndex)
            time += Int64(random.int(5_000...60_000))
        }
    }

    /// A new device from a new country and IP buys expensive things, minutes apart.
    package mutating func scheduleAccountTakeover(cardIndex: Int, startMs: Int64) {
        let card = world.cards[cardIndex]
        let cityIndex = distantCity(from: card.homeCityIndex, minimumKilometres: 1_000)
        let city = world.cities[cityIndex]
        let fraudster = fraudsterIdentity(cityIndex: cityIndex, userAgents: World.userAgents)
        let targets = world.onlineMerchants.filter { ["Electronics", "5944", "4511"].contains(world.categories[world.merchants[$0].categoryIndex].code) }
        var time = startMs
        for _ in 0..<random.int(2...4) {
            let merchantIndex = targets.isEmpty || random.chance(0.25) ? random.pick(world.allRiskyOnlineMerchants) : random.pick(targets)
            let merchant = world.merchants[merchantIndex]
            let amount = max(25_000, Int64(card.medianAmountMinor * random.uniform(4...12)))
            let transaction = Transaction(
                cardID: card.id, merchantID: merchant.id, amountMinor: amount, currency: "USD",
                eventTimeMs: time, location: jittered(city, degrees: 0.05), country: city.country,
                deviceID: fraudster.device, ipAddress: fraudster.ip, userAgent: fraudster.userAgent,
                merchantCategory: world.categories[merchant.categoryIndex].code,
                paymentMethod: card.paymentMethod, channel: .online)
            schedule(transaction, atMs: time, truth: GroundTruth(scenario: .accountTakeover), cardIndex: cardIndex)
            time += Int64(random.int(2...15)) * Self.minute
        }
    }

    /// The cardholder pays at home; minutes later a cloned card is used in person at least
    /// 2,000 km away.
    package mutating func scheduleImpossibleTravel(cardIndex: Int, startMs: Int64) {
        let card = world.cards[cardIndex]
        let home = world.cities[card.homeCityIndex]
        let localMerchant = world.merchants[random.pick(world.localMerchants[card.homeCityIndex])]
        let genuine = Transaction(
            cardID: card.id, merchantID: localMerchant.id,
            amountMinor: usualAmount(card: card, categoryIndex: localMerchant.categoryIndex), currency: "USD",
            eventTimeMs: startMs, location: jittered(home, degrees: 0.03), country: home.country,
            merchantCategory: world.categories[localMerchant.categoryIndex].code,
            paymentMethod: card.paymentMethod, channel: .cardPresent)
        schedule(genuine, atMs: startMs, truth: .legitimate, cardIndex: cardIndex)

        let farIndex = distantCity(from: card.homeCityIndex, minimumKilometres: 2_000)
        let far = world.cities[farIndex]
        let farMerchant = world.merchants[random.pick(world.localMerchants[farIndex])]
        let time = startMs + Int64(random.int(5...45)) * Self.minute
        let cloned = Transaction(
            cardID: card.id, merchantID: farMerchant.id,
            amountMinor: Int64(card.medianAmountMinor * random.uniform(1...4)), currency: "USD",
            eventTimeMs: time, location: jittered(far, degrees: 0.03), country: far.country,
            merchantCategory: world.categories[farMerchant.categoryIndex].code,
            paymentMethod: card.paymentMethod, channel: .cardPresent)
        schedule(cloned, atMs: time, truth: GroundTruth(scenario: .impossibleTravel), cardIndex: cardIndex)
    }

    /// A merchant where recent cards shopped is breached; one to four days later those cards
    /// are misused far from home.
    package mutating func scheduleCompromisedMerchant(startMs: Int64) {
        let breached = random.pick(recentPurchases).merchantIndex
        var victims: [Int] = []
        for purchase in recentPurchases where purchase.merchantIndex == breached && !victims.contains(purchase.cardIndex) {
            victims.append(purchase.cardIndex)
            if victims.count == 6 { break }
        }
        if recordsBreaches { breaches.append(Breach(merchantIndex: breached, timeMs: startMs, victims: victims)) }
        for cardIndex in victims {
            let card = world.cards[cardIndex]
            let cityIndex = distantCity(from: card.homeCityIndex, minimumKilometres: 1_000)
            let city = world.cities[cityIndex]
            let time = startMs + Int64(random.uniform(1...4) * Double(Self.day))
            let amount = max(8_000, Int64(card.medianAmountMinor * random.uniform(2...8)))
            let transaction: Transaction
            if random.chance(0.5) {
                let fraudster = fraudsterIdentity(cityIndex: cityIndex, userAgents: World.userAgents)
                let merchant = world.merchants[random.pick(world.onlineMerchants)]
                transaction = Transaction(
                    cardID: card.id, merchantID: merchant.id, amountMinor: amount, currency: "USD",
                    eventTimeMs: time, location: jittered(city, degrees: 0.05), country: city.country,
                    deviceID: fraudster.device, ipAddress: fraudster.ip, userAgent: fraudster.userAgent,
                    merchantCategory: world.categories[merchant.categoryIndex].code,
                    paymentMethod: card.paymentMethod, channel: .online)
            } else {
                let merchant = world.merchants[random.pick(world.localMerchants[cityIndex])]
                transaction = Transaction(
                    cardID: card.id, merchantID: merchant.id, amountMinor: amount, currency: "USD",
                    eventTimeMs: time, location: jittered(city, degrees: 0.03), country: city.country,
                    merchantCategory: world.categories[merchant.categoryIndex].code,
                    paymentMethod: card.paymentMethod, channel: .cardPresent)
            }
            schedule(transaction, atMs: time, truth: GroundTruth(scenario: .compromisedMerchant), cardIndex: cardIndex)
        }
    }

    /// One purchase 5 to 20 times the card's median, otherwise in the card's habits.
    package mutating func scheduleAmountSpike(cardIndex: Int, startMs: Int64) {
        let card = world.cards[cardIndex]
        let home = world.cities[card.homeCityIndex]
        let merchant = world.merchants[random.pick(card.favouriteMerchants)]
        let amount = Int64(card.medianAmountMinor * random.uniform(5...20))
        let device = random.pick(card.devices)
        let transaction = Transaction(
            cardID: card.id, merchantID: merchant.id, amountMinor: amount, currency: "USD",
            eventTimeMs: startMs, location: jittered(home, degrees: 0.03), country: home.country,
            deviceID: merchant.isOnline ? device.id : "", ipAddress: merchant.isOnline ? card.ipAddress : "",
            userAgent: merchant.isOnline ? device.userAgent : "",
            merchantCategory: world.categories[merchant.categoryIndex].code,
            paymentMethod: card.paymentMethod, channel: merchant.isOnline ? .online : .cardPresent)
        schedule(transaction, atMs: startMs, truth: GroundTruth(scenario: .amountSpike), cardIndex: cardIndex)
    }

    /// Gift cards, crypto and wire transfers in round amounts, minutes apart.
    package mutating func scheduleRiskyPattern(cardIndex: Int, startMs: Int64) {
        let card = world.cards[cardIndex]
        let home = world.cities[card.homeCityIndex]
        let ownDevice = random.chance(0.5)
        let fraudster = fraudsterIdentity(cityIndex: card.homeCityIndex, userAgents: World.userAgents)
        let device = ownDevice ? random.pick(card.devices) : Card.Device(id: fraudster.device, userAgent: fraudster.userAgent)
        var time = startMs
        for _ in 0..<random.int(3...6) {
            let merchant = world.merchants[random.pick(world.allRiskyOnlineMerchants)]
            let category = world.categories[merchant.categoryIndex].code
            let method: String =
                switch category {
                case "crypto": random.chance(0.5) ? "crypto" : card.paymentMethod
                case "wire transfer": random.chance(0.5) ? "wire_transfer" : card.paymentMethod
                case "gift_cards": random.chance(0.5) ? "gift_card" : card.paymentMethod
                default: random.chance(0.3) ? "prepaid_card" : card.paymentMethod
                }
            let transaction = Transaction(
                cardID: card.id, merchantID: merchant.id,
                amountMinor: random.pick([10_000, 20_000, 25_000, 50_000, 100_000] as [Int64]), currency: "USD",
                eventTimeMs: time, location: jittered(home, degrees: 0.05), country: home.country,
                deviceID: device.id, ipAddress: ownDevice ? card.ipAddress : fraudster.ip, userAgent: device.userAgent,
                merchantCategory: category, paymentMethod: method, channel: .online)
            schedule(transaction, atMs: time, truth: GroundTruth(scenario: .riskyPattern), cardIndex: cardIndex)
            time += Int64(random.int(1...10)) * Self.minute
        }
    }

    /// Two to four buy-now-pay-later purchases at online electronics, jewelry and clothing shops,
    /// one to three hours apart: amounts ordinary for the shop, from the cardholder's own city
    /// (a local proxy) on a fresh but ordinary browser.
    package mutating func scheduleBuyNowPayLater(cardIndex: Int, startMs: Int64) {
        let card = world.cards[cardIndex]
        let home = world.cities[card.homeCityIndex]
        let fraudster = fraudsterIdentity(cityIndex: card.homeCityIndex, userAgents: World.userAgents)
        let targets = world.onlineMerchants.filter {
            ["Electronics", "5944", "5651"].contains(world.categories[world.merchants[$0].categoryIndex].code)
        }
        var time = startMs
        for _ in 0..<random.int(2...4) {
            let merchant = world.merchants[targets.isEmpty ? random.pick(world.onlineMerchants) : random.pick(targets)]
            let category = world.categories[merchant.categoryIndex]
            let transaction = Transaction(
                cardID: card.id, merchantID: merchant.id,
                amountMinor: Int64(category.medianAmountMinor * random.uniform(0.8...2.5)), currency: "USD",
                eventTimeMs: time, location: jittered(home, degrees: 0.05), country: home.country,
                deviceID: fraudster.device, ipAddress: fraudster.ip, userAgent: fraudster.userAgent,
                merchantCategory: category.code, paymentMethod: "buy_now_pay_later", channel: .online)
            schedule(transaction, atMs: time, truth: GroundTruth(scenario: .buyNowPayLater), cardIndex: cardIndex)
            time += Int64(random.int(60...180)) * Self.minute
        }
    }
}
