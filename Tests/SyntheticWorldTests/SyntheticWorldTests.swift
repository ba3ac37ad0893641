import Foundation
import StreamifyWire
import Testing

@testable import SyntheticWorld

/// One long generated prefix shared by the tests that inspect the stream's statistics.
enum SampleStream {
    static let configuration = WorldConfiguration(seed: 7, cardCount: 5_000, merchantCount: 2_000, feedbackDelayMs: 86_400_000)
    static let transactionCount = 150_000

    struct Sample: Sendable {
        var world: World
        var transactions: [LabelledTransaction]
        var feedback: [Feedback]
        var breaches: [TransactionStream.Breach]
    }

    static let sample: Sample = {
        var stream = TransactionStream(configuration: configuration)
        stream.recordsBreaches = true
        var transactions: [LabelledTransaction] = []
        var feedback: [Feedback] = []
        transactions.reserveCapacity(transactionCount)
        while transactions.count < transactionCount {
            switch stream.next() {
            case .transaction(let labelled): transactions.append(labelled)
            case .feedback(let item, _): feedback.append(item)
            }
        }
        return Sample(world: stream.world, transactions: transactions, feedback: feedback, breaches: stream.breaches)
    }()

    /// Each card's transactions, in stream order.
    static let byCard: [Int: [LabelledTransaction]] = Dictionary(grouping: sample.transactions, by: \.cardIndex)

    static func previous(before labelled: LabelledTransaction) -> LabelledTransaction? {
        guard let history = byCard[labelled.cardIndex],
            let position = history.firstIndex(where: { $0.transaction.transactionID == labelled.transaction.transactionID }),
            position > 0
        else { return nil }
        return history[position - 1]
    }
}

@Suite("Synthetic world and fraud scenarios")
struct SyntheticWorldTests {
    @Test func sameSeedSameStreamOtherSeedOtherStream() {
        let configuration = WorldConfiguration(seed: 99, cardCount: 500, merchantCount: 300, feedbackDelayMs: 3_600_000)
        var first = TransactionStream(configuration: configuration)
        var second = TransactionStream(configuration: configuration)
        var other = TransactionStream(configuration: WorldConfiguration(seed: 100, cardCount: 500, merchantCount: 300))
        var differences = 0
        for _ in 0..<5_000 {
            let item = first.next()
            #expect(item == second.next())
            if item != other.next() { differences += 1 }
        }
        #expect(differences > 4_900)
    }

    @Test func worldHasAFewHundredCitiesAndEveryCardAHome() {
        let world = SampleStream.sample.world
        #expect(world.cities.count >= 200)
        #expect(Set(world.cities.map(\.country)).count >= 100)
        for card in world.cards {
            #expect((1...3).contains(card.devices.count))
            #expect(!card.favouriteMerchants.isEmpty)
        }
    }

    @Test func transactionsAreValidForTheWireAndMonotonePerCard() {
        let transactions = SampleStream.sample.transactions
        let year2000: Int64 = 946_684_800_000
        let year2100: Int64 = 4_102_444_800_000
        var lastTime: [Int: Int64] = [:]
        for labelled in transactions {
            let t = labelled.transaction
            #expect(t.amountMinor > 0)
            #expect((year2000..<year2100).contains(t.eventTimeMs))
            #expect(t.cardID.utf8.count <= 64 && t.merchantID.utf8.count <= 64 && t.deviceID.utf8.count <= 64)
            #expect(t.transactionID.utf8.count <= 64 && !t.transactionID.isEmpty)
            #expect(t.country.count == 2)
            #expect(t.eventTimeMs >= lastTime[labelled.cardIndex, default: 0])
            lastTime[labelled.cardIndex] = t.eventTimeMs
        }
        #expect(Set(transactions.map(\.transaction.transactionID)).count == transactions.count)
    }

    @Test func fraudRateAndScenarioMixAreAsConfigured() {
        let transactions = SampleStream.sample.transactions
        let fraud = transactions.filter(\.truth.isFraud)
        let rate = Double(fraud.count) / Double(transactions.count)
        #expect(abs(rate - 0.01) < 0.0015, "fraud rate \(rate)")
        let byScenario = Dictionary(grouping: fraud, by: { $0.truth.scenario! })
        for scenario in FraudScenario.standard {
            let share = Double(byScenario[scenario]?.count ?? 0) / Double(fraud.count)
            #expect(share > 0.02, "\(scenario) is \(share) of fraud")
        }
        #expect(byScenario[.buyNowPayLater] == nil, "not in the standard world")

        var custom = TransactionStream(configuration: WorldConfiguration(seed: 3, cardCount: 2_000, merchantCount: 800, fraudRate: 0.05))
        var customFraud = 0
        for _ in 0..<40_000 {
            if case .transaction(let labelled) = custom.next(), labelled.truth.isFraud { customFraud += 1 }
        }
        #expect(abs(Double(customFraud) / 40_000 - 0.05) < 0.005, "fraud rate \(Double(customFraud) / 40_000)")
    }

    @Test func nightIsQuiet() {
        let sample = SampleStream.sample
        var night = 0
        var afternoon = 0
        for labelled in sample.transactions where !labelled.truth.isFraud {
            let home = sample.world.cities[sample.world.cards[labelled.cardIndex].homeCityIndex]
            let hour = home.localHour(atUnixMs: labelled.transaction.eventTimeMs)
            if (2..<5).contains(hour) { night += 1 }
            if (13..<16).contains(hour) { afternoon += 1 }
        }
        #expect(afternoon > 5 * night, "afternoon \(afternoon), night \(night)")
    }

    @Test func impossibleTravelPairsAreFasterThanAnAirliner() {
        let travels = SampleStream.sample.transactions.filter { $0.truth.scenario == .impossibleTravel }
        #expect(travels.count > 50)
        var impossible = 0
        for fraud in travels {
            guard let before = SampleStream.previous(before: fraud), let a = before.transaction.location,
                let b = fraud.transaction.location
            else { continue }
            #expect(fraud.transaction.channel == .cardPresent)
            let kilometres = City.distanceKilometres(latitude1: a.latitude, longitude1: a.longitude, latitude2: b.latitude, longitude2: b.longitude)
            let hours = Double(fraud.transaction.eventTimeMs - before.transaction.eventTimeMs) / 3_600_000
            if hours > 0 && kilometres / hours > 1_000 { impossible += 1 }
        }
        #expect(Double(impossible) >= 0.95 * Double(travels.count), "\(impossible) of \(travels.count)")
    }

    /// Cardholders travel (new country, location and IP), but never faster than an airliner:
    /// between two legitimate transactions of a card, at most 1,000 km/h.
    @Test func legitimateTravelHappensAndIsPhysicallyPossible() {
        let sample = SampleStream.sample
        var abroad = 0
        var checkedPairs = 0
        for history in SampleStream.byCard.values {
            var previous: LabelledTransaction?
            for labelled in history where !labelled.truth.isFraud {
                let home = sample.world.cities[sample.world.cards[labelled.cardIndex].homeCityIndex]
                if labelled.transaction.country != home.country { abroad += 1 }
                defer { previous = labelled }
                guard let before = previous, let a = before.transaction.location, let b = labelled.transaction.location else { continue }
                let kilometres = City.distanceKilometres(latitude1: a.latitude, longitude1: a.longitude, latitude2: b.latitude, longitude2: b.longitude)
                guard kilometres > 50 else { continue }
                checkedPairs += 1
                let hours = Double(labelled.transaction.eventTimeMs - before.transaction.eventTimeMs) / 3_600_000
                #expect(kilometres / max(hours, 1e-9) <= 1_000, "\(before.transaction.transactionID) → \(labelled.transaction.transactionID): \(Int(kilometres)) km in \(hours) h")
            }
        }
        #expect(abroad > 100, "legitimate transactions abroad: \(abroad)")
        #expect(checkedPairs > 100)
    }

    @Test func cardTestingIsBurstsOfOnlineMicroCharges() {
        let tests = SampleStream.sample.transactions.filter { $0.truth.scenario == .cardTesting }
        #expect(tests.count > 50)
        for labelled in tests {
            #expect(labelled.transaction.amountMinor < 200)
            #expect(labelled.transaction.channel == .online)
        }
        // Bursts: most card-testing charges have another one on the same card within 2 minutes.
        var inBurst = 0
        for labelled in tests {
            if let before = SampleStream.previous(before: labelled), before.truth.scenario == .cardTesting,
                labelled.transaction.eventTimeMs - before.transaction.eventTimeMs <= 120_000
            {
                inBurst += 1
            }
        }
        #expect(Double(inBurst) > 0.75 * Double(tests.count), "\(inBurst) of \(tests.count)")
    }

    @Test func accountTakeoverUsesANewDeviceCountryAndLargeAmounts() {
        let world = SampleStream.sample.world
        let takeovers = SampleStream.sample.transactions.filter { $0.truth.scenario == .accountTakeover }
        #expect(takeovers.count > 50)
        for labelled in takeovers {
            let card = world.cards[labelled.cardIndex]
            let t = labelled.transaction
            #expect(!card.devices.map(\.id).contains(t.deviceID))
            #expect(t.country != world.cities[card.homeCityIndex].country)
            #expect(t.ipAddress != card.ipAddress)
            #expect(Double(t.amountMinor) >= 4 * card.medianAmountMinor - 1 || t.amountMinor >= 25_000)
        }
    }

    @Test func amountSpikesAreFiveToTwentyTimesUsual() {
        let world = SampleStream.sample.world
        let spikes = SampleStream.sample.transactions.filter { $0.truth.scenario == .amountSpike }
        #expect(spikes.count > 100)
        for labelled in spikes {
            let ratio = Double(labelled.transaction.amountMinor) / world.cards[labelled.cardIndex].medianAmountMinor
            #expect((4.99...20.01).contains(ratio), "ratio \(ratio)")
        }
    }

    @Test func compromisedMerchantVictimsShoppedThereAndAreMisusedDaysLater() {
        let sample = SampleStream.sample
        let misuses = sample.transactions.filter { $0.truth.scenario == .compromisedMerchant }
        #expect(misuses.count > 20)
        for labelled in misuses {
            // Misuse comes one to four days after a breach the card was a victim of.
            let breach = sample.breaches.last {
                $0.victims.contains(labelled.cardIndex)
                    && (86_400_000...4 * 86_400_000 + 60_000).contains(labelled.transaction.eventTimeMs - $0.timeMs)
            }
            guard let breach else {
                Issue.record("no breach for \(labelled.transaction.transactionID)")
                continue
            }
            let merchantID = sample.world.merchants[breach.merchantIndex].id
            let shoppedThere = SampleStream.byCard[labelled.cardIndex]!.contains {
                $0.transaction.merchantID == merchantID && $0.transaction.eventTimeMs <= breach.timeMs
            }
            #expect(shoppedThere)
            #expect(labelled.transaction.country != sample.world.cities[sample.world.cards[labelled.cardIndex].homeCityIndex].country)
        }
    }

    @Test func riskyPatternsAreRoundAmountsInRiskyCategories() {
        let risky = SampleStream.sample.transactions.filter { $0.truth.scenario == .riskyPattern }
        #expect(risky.count > 100)
        for labelled in risky {
            #expect(["gift_cards", "crypto", "wire transfer", "gambling"].contains(labelled.transaction.merchantCategory))
            #expect(labelled.transaction.amountMinor % 5_000 == 0)
        }
    }

    @Test func chargebacksArriveAfterTheConfiguredDelay() {
        let sample = SampleStream.sample
        let fraudByID = Dictionary(uniqueKeysWithValues: sample.transactions.filter(\.truth.isFraud).map { ($0.transaction.transactionID, $0) })
        #expect(sample.feedback.count > 300)
        for feedback in sample.feedback {
            #expect(feedback.label == .fraud)
            #expect(feedback.reportedTimeMs == feedback.eventTimeMs + 86_400_000)
            #expect(fraudByID[feedback.transactionID]?.transaction.eventTimeMs == feedback.eventTimeMs)
        }
        // Only frauds older than the delay have been reported, and all of them.
        let lastTime = sample.transactions.last!.transaction.eventTimeMs
        let due = fraudByID.values.filter { $0.transaction.eventTimeMs + 86_400_000 < lastTime - 60_000 }.count
        #expect(sample.feedback.count >= due)
    }

    @Test func aScheduledScenarioStartsOnItsDayAndNotBefore() throws {
        var configuration = WorldConfiguration(seed: 21, cardCount: 3_000, merchantCount: 2_000, fraudRate: 0.02, speedup: 28_800)
        configuration.scenarios = try ScenarioSchedule(parsing: "standard,bnpl_fraud@2d")
        var stream = TransactionStream(configuration: configuration)
        let start = configuration.startTimeMs + 2 * 86_400_000
        var bnpl: [LabelledTransaction] = []
        while stream.emittedTransactions < 30_000 {
            if case .transaction(let labelled) = stream.next(), labelled.truth.scenario == .buyNowPayLater {
                bnpl.append(labelled)
            }
        }
        #expect(bnpl.count > 30)
        for labelled in bnpl {
            let t = labelled.transaction
            #expect(t.eventTimeMs >= start)
            #expect(t.paymentMethod == "buy_now_pay_later")
            #expect(t.channel == .online)
            let card = stream.world.cards[labelled.cardIndex]
            #expect(t.country == stream.world.cities[card.homeCityIndex].country, "from the cardholder's own country")
            #expect(!card.devices.map(\.id).contains(t.deviceID))
        }
    }

    @Test func aCardIsReissuedAfterItsFraudIsChargedBack() {
        let sample = SampleStream.sample
        // The first chargeback per card: later transactions of that card carry a new number.
        var chargedBackAt: [String: Int64] = [:]
        for feedback in sample.feedback where chargedBackAt[feedback.cardID] == nil {
            chargedBackAt[feedback.cardID] = feedback.reportedTimeMs
        }
        var reissuedUses = 0
        for labelled in sample.transactions {
            let card = sample.world.cards[labelled.cardIndex]
            guard let reported = chargedBackAt[card.id] else {
                #expect(labelled.transaction.cardID == card.id)
                continue
            }
            if labelled.transaction.eventTimeMs > reported {
                #expect(labelled.transaction.cardID.hasPrefix(card.id + "-r"), "\(labelled.transaction.cardID)")
                reissuedUses += 1
            } else if labelled.transaction.eventTimeMs < reported {
                #expect(labelled.transaction.cardID == card.id)
            }
        }
        #expect(reissuedUses > 100)
    }
}
