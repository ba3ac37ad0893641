import ScoringModel
import Testing

/// The hand-set noisy-OR must score exactly as it did before learned combiners existed, until
/// outcomes are reported.
///
/// `unlabelled` was produced by the implementation as of d654ead (before feature vectors and
/// outcome learning) and again at 40a5d7b on the same deterministic sequence without labels.
/// With labels the hand-set model now reads the outcome signals every model reads (a fading
/// card mark, merchant fraud rates, devices and IPs tied to fraud): `labelled` pins that.
@Suite("Noisy-OR golden scores")
struct NoisyOrGoldenTests {
    /// A deterministic mixed stream: 60 cards, shared devices and IPs, travel, risky categories
    /// and methods, micro and round amounts, bursts, and fraud feedback on a few cards.
    static func run(on engine: RiskEngine, labels: Bool = true) -> (hash: UInt64, scores: [Float]) {
        var random: UInt64 = 0x1234_5678_9ABC_DEF1
        func next(_ bound: Int) -> Int {
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            return Int(truncatingIfNeeded: random >> 1) % bound
        }
        let places = [TransactionScript.newYork, TransactionScript.london, TransactionScript.boston]
        let countries = ["US", "GB", "US"]
        let categories = ["5411", "5812", "5732", "6051", "5947", "7995", "5944", "4829", "5541", "7011"]
        let methods = ["credit_card", "debit_card", "wallet", "crypto", "bnpl", "gift_card", "prepaid_card", "wire"]
        let amounts: [Int64] = [99, 150, 2_500, 4_500, 10_000, 30_000, 120_000, 900_000, 5_310, 7_725]
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt32) {
            hash = (hash ^ UInt64(value)) &* 0x0000_0100_0000_01B3
        }
        var scores: [Float] = []
        var time = TransactionScript.start
        for step in 0..<4_000 {
            time += Int64(next(3) == 0 ? next(20) * 1_000 : next(4 * 3_600) * 1_000)
            let card = next(60)
            let place = next(8) == 0 ? next(3) : card % 3
            let transaction = TransactionScript.transaction(
                card: "card-\(card)", merchant: "merchant-\(next(25))",
                device: next(5) == 0 ? "" : "device-\(next(10) == 0 ? next(4) : card)",
                ip: next(4) == 0 ? "" : "10.0.0.\(next(6) == 0 ? next(3) : card)",
                userAgent: "agent-\(next(7) == 0 ? next(3) : card % 4)",
                amountMinor: amounts[next(amounts.count)], at: time,
                location: next(6) == 0 ? nil : places[place], country: next(9) == 0 ? "" : countries[place],
                category: categories[next(categories.count)], method: methods[next(methods.count)],
                channel: TransactionChannel(rawValue: UInt8(next(5)))!)
            let result = engine.score(transaction)
            scores.append(result.score)
            mix(result.score.bitPattern)
            mix(UInt32(result.level.rawValue))
            for factor in RiskFactor.allCases {
                mix(result[factor].score.bitPattern)
                mix(result[factor].weight.bitPattern)
                mix(result[factor].contribution.bitPattern)
                for byte in result[factor].reason.utf8 { mix(UInt32(byte)) }
            }
            if labels, step % 97 == 0 {
                engine.record(
                    FeedbackFeatures(
                        card: EntityKey("card-\(next(60))"), merchant: EntityKey("merchant-\(next(25))"),
                        outcome: next(3) == 0 ? .legitimate : .fraud, eventTimeMs: time - 86_400_000,
                        reportedTimeMs: time, amountMinor: 4_500))
            }
        }
        return (hash, scores)
    }

    @Test("without outcomes, the built-in model scores a fixed mixed stream exactly as before")
    func unchanged() {
        let result = Self.run(on: RiskEngine(), labels: false)
        #expect(result.hash == Self.unlabelled)
        #expect(result.scores.contains { $0 >= 0.85 } && result.scores.contains { $0 < 0.3 })
    }

    @Test("with outcomes reported, the built-in model's scores are pinned too")
    func withOutcomes() {
        #expect(Self.run(on: RiskEngine()).hash == Self.labelled)
    }

    static let unlabelled: UInt64 = 11_170_693_181_192_871_300
    static let labelled: UInt64 = 16_626_609_424_940_785_940
}
