import StreamifyWire
import Testing

@testable import SyntheticWorld

@Suite("Card population")
struct CardPopulationTests {
    let population = CardPopulation(cards: 2_000, sharedDevices: 500, merchants: 300)

    @Test("the same seed gives the same transactions, another seed others")
    func deterministic() {
        let again = CardPopulation(cards: 2_000, sharedDevices: 500, merchants: 300)
        let other = CardPopulation(cards: 2_000, sharedDevices: 500, merchants: 300, seed: 1)
        for index in [0, 1, 999, 123_456] {
            #expect(population.transaction(index) == again.transaction(index))
        }
        #expect((0..<100).filter { population.transaction($0) == other.transaction($0) }.isEmpty)
    }

    @Test("the warm-up gives every card 1 to 3 transactions, in event-time order, before the live stream")
    func warmUp() {
        var perCard: [String: Int] = [:]
        var lastTime = Int64.min
        var sequence = 0
        var devices = Set<String>()
        population.forEachWarmUpTransaction { index, transaction in
            #expect(index == sequence)
            sequence += 1
            #expect(transaction.eventTimeMs >= lastTime)
            #expect(transaction.eventTimeMs < population.liveStartMs)
            lastTime = transaction.eventTimeMs
            perCard[transaction.cardID, default: 0] += 1
            devices.insert(transaction.deviceID)
        }
        #expect(sequence == population.warmUpCount())
        #expect(perCard.count == population.cardCount)
        #expect(perCard.values.allSatisfy { (1...3).contains($0) })
        #expect(Set(perCard.values).count == 3, "some cards make one, some two, some three")
        // Every card's own device, plus shared ones.
        #expect(devices.count > population.cardCount)
        #expect(devices.count <= population.deviceCount)
    }

    @Test("live transactions are well formed: ids, amounts, places, channels")
    func wellFormed() {
        let transactions = (0..<5_000).map(population.transaction)
        #expect(Set(transactions.map(\.transactionID)).count == transactions.count)
        #expect(transactions.allSatisfy { $0.amountMinor >= 50 && !$0.deviceID.isEmpty && $0.country.count == 2 })
        #expect(transactions.allSatisfy { $0.channel != .online || !$0.ipAddress.isEmpty })
        #expect(transactions.allSatisfy { $0.channel == .online || $0.location != nil })
        #expect(zip(transactions, transactions.dropFirst()).allSatisfy { $0.eventTimeMs < $1.eventTimeMs })
        let cards = Set(transactions.map(\.cardID))
        #expect(cards.count > 1_800, "uniformly random cards: \(cards.count) of 2,000 in 5,000 draws")
    }
}
