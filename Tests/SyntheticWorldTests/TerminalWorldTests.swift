import StreamifyWire
import Testing

@testable import SyntheticWorld

@Suite("Terminal world")
struct TerminalWorldTests {
    static let configuration = TerminalWorldConfiguration(seed: 5, customerCount: 1_000, terminalCount: 2_000)

    /// Forty days of the stream, transactions and chargebacks apart.
    static let sample: (transactions: [LabelledTransaction], feedback: [Feedback]) = {
        var stream = TerminalStream(configuration: configuration)
        let end = configuration.startTimeMs + 40 * 86_400_000
        var transactions: [LabelledTransaction] = []
        var feedback: [Feedback] = []
        while true {
            switch stream.next() {
            case .transaction(let labelled):
                if labelled.transaction.eventTimeMs >= end { return (transactions, feedback) }
                transactions.append(labelled)
            case .feedback(let item, _): feedback.append(item)
            }
        }
    }()

    @Test("the same seed gives the same stream; another seed another")
    func deterministic() {
        var first = TerminalStream(configuration: Self.configuration)
        var second = TerminalStream(configuration: Self.configuration)
        var other = TerminalStream(configuration: TerminalWorldConfiguration(seed: 6, customerCount: 1_000, terminalCount: 2_000))
        var same = true
        var differs = false
        for _ in 0..<5_000 {
            let item = first.next()
            same = same && item == second.next()
            differs = differs || item != other.next()
        }
        #expect(same)
        #expect(differs)
    }

    @Test("only card, terminal, amount, time and place are given; every purchase is card-present")
    func fields() {
        for labelled in Self.sample.transactions.prefix(20_000) {
            let transaction = labelled.transaction
            #expect(transaction.deviceID.isEmpty && transaction.ipAddress.isEmpty && transaction.userAgent.isEmpty)
            #expect(transaction.country.isEmpty && transaction.merchantCategory.isEmpty && transaction.paymentMethod.isEmpty)
            #expect(transaction.channel == .cardPresent)
            #expect(transaction.location != nil)
            #expect(transaction.amountMinor >= 1)
        }
    }

    @Test("event times never go back; ids are unique")
    func ordered() {
        let times = Self.sample.transactions.map(\.transaction.eventTimeMs)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Set(Self.sample.transactions.map(\.transaction.transactionID)).count == times.count)
    }

    @Test("its own three kinds of fraud, none of the city world's, at a realistic rate")
    func fraud() {
        let transactions = Self.sample.transactions
        let frauds = transactions.filter(\.truth.isFraud)
        let kinds = Set(frauds.compactMap(\.truth.scenario))
        #expect(kinds == Set(FraudScenario.terminalWorld), "\(kinds)")
        let rate = Double(frauds.count) / Double(transactions.count)
        #expect(rate > 0.002 && rate < 0.05, "fraud rate \(rate)")
        // A compromised terminal's purchases are all fraud while it lasts: some terminal has many.
        var perTerminal: [String: Int] = [:]
        for fraud in frauds where fraud.truth.scenario == .terminalCompromise { perTerminal[fraud.transaction.merchantID, default: 0] += 1 }
        #expect((perTerminal.values.max() ?? 0) >= 5)
        // Night cash-outs happen between 1 and 5 a.m.
        for fraud in frauds where fraud.truth.scenario == .nightCashOut {
            let hour = (fraud.transaction.eventTimeMs / 3_600_000) % 24
            #expect(hour >= 1 && hour < 6, "hour \(hour)")
        }
    }

    @Test("each fraud's chargeback follows after the delay; legitimate purchases get none")
    func chargebacks() {
        let delay = Self.configuration.feedbackDelayMs!
        let fraudIDs = Set(Self.sample.transactions.filter(\.truth.isFraud).map(\.transaction.transactionID))
        #expect(!Self.sample.feedback.isEmpty)
        for feedback in Self.sample.feedback {
            #expect(feedback.label == .fraud)
            #expect(feedback.reportedTimeMs == feedback.eventTimeMs + delay)
            #expect(fraudIDs.contains(feedback.transactionID))
        }
    }
}
