import StreamifyWire

/// The endless, deterministic stream of the terminal world (`TerminalWorld`): each event-time
/// day is drawn whole (every cardholder's purchases, then the day's fraud), sorted by time and
/// played, with each fraud's chargeback after `feedbackDelayMs`. Legitimate purchases get no
/// feedback: their outcome is known only by none arriving.
public struct TerminalStream: Sendable {
    /// What the world and its traffic were made from.
    public let configuration: TerminalWorldConfiguration
    /// The cardholders and terminals.
    public let world: TerminalWorld
    private var random: SeededRandom
    private let seedTag: String
    private var day = 0
    private var today: [LabelledTransaction] = []
    private var todayNext = 0
    private var feedbackQueue: [(feedback: Feedback, cardIndex: Int)] = []
    private var feedbackHead = 0
    private var sequence = 0
    /// Last day (inclusive) each terminal stays compromised, and each card skimmed (-1: never).
    private var terminalCompromisedUntil: [Int]
    private var cardSkimmedUntil: [Int]

    /// Mean time of day of a purchase and its spread, in seconds.
    static let middayMean = 43_200.0
    static let middaySpread = 18_000.0
    /// Weekend days see this share of a weekday's purchases.
    static let weekendShare = 0.8
    /// A skimmed card's fraudulent purchases cost this many times its usual amount.
    static let skimmedAmountFactor = 5.0
    /// Night cash-outs go at least this far from home.
    static let cashOutDistanceKm = 30.0

    /// Builds the world and starts the stream at the first day's midnight.
    public init(configuration: TerminalWorldConfiguration) {
        self.configuration = configuration
        self.world = TerminalWorld(configuration: configuration)
        self.random = SeededRandom(seed: configuration.seed ^ 0x7E8A_57EA_0000_0001)
        self.seedTag = String(configuration.seed, radix: 36)
        self.terminalCompromisedUntil = Array(repeating: -1, count: world.terminals.count)
        self.cardSkimmedUntil = Array(repeating: -1, count: world.customers.count)
    }

    /// The next item in event-time order.
    public mutating func next() -> StreamItem {
        while todayNext == today.count { drawDay() }
        let labelled = today[todayNext]
        if feedbackHead < feedbackQueue.count,
            feedbackQueue[feedbackHead].feedback.reportedTimeMs <= labelled.transaction.eventTimeMs
        {
            let (feedback, cardIndex) = feedbackQueue[feedbackHead]
            feedbackHead += 1
            if feedbackHead > 4096 && feedbackHead * 2 > feedbackQueue.count {
                feedbackQueue.removeFirst(feedbackHead)
                feedbackHead = 0
            }
            return .feedback(feedback, cardIndex: cardIndex)
        }
        todayNext += 1
        return .transaction(stamp(labelled))
    }

    /// Gives the transaction its id and queues its chargeback.
    private mutating func stamp(_ labelled: LabelledTransaction) -> LabelledTransaction {
        var labelled = labelled
        labelled.transaction.transactionID = "tw-\(seedTag)-\(sequence)"
        sequence += 1
        if let delay = configuration.feedbackDelayMs, labelled.truth.isFraud {
            let transaction = labelled.transaction
            feedbackQueue.append(
                (
                    Feedback(
                        transactionID: transaction.transactionID, cardID: transaction.cardID,
                        merchantID: transaction.merchantID, label: .fraud, eventTimeMs: transaction.eventTimeMs,
                        reportedTimeMs: transaction.eventTimeMs + delay, amountMinor: transaction.amountMinor),
                    labelled.cardIndex
                ))
        }
        return labelled
    }

    /// Draws the next day: new compromises, every cardholder's purchases, the night cash-outs.
    private mutating func drawDay() {
        let dayStartMs = configuration.startTimeMs + Int64(day) * 86_400_000
        // 1970-01-01 was a Thursday: with Sunday as 0, day n since the epoch is (n + 4) % 7.
        let weekday = Int((dayStartMs / 86_400_000 + 4) % 7)
        let weekend = weekday == 0 || weekday == 6
        for _ in 0..<max(configuration.compromisedTerminalsPerDay, 0) {
            terminalCompromisedUntil[random.int(0...(world.terminals.count - 1))] = day + configuration.terminalCompromiseDays - 1
        }
        for _ in 0..<max(configuration.skimmedCardsPerDay, 0) {
            cardSkimmedUntil[random.int(0...(world.customers.count - 1))] = day + configuration.skimmedCardDays - 1
        }
        var drawn: [(seconds: Double, order: Int, labelled: LabelledTransaction)] = []
        for (index, customer) in world.customers.enumerated() where !customer.terminals.isEmpty {
            let count = random.poisson(mean: customer.perDay * (weekend ? Self.weekendShare : 1))
            for _ in 0..<count {
                let seconds = Self.middayMean + Self.middaySpread * random.normal()
                guard seconds >= 0, seconds < 86_400 else { continue }
                let terminal = random.pick(customer.terminals)
                var amount = customer.meanAmount + customer.amountSpread * random.normal()
                if amount < 0.01 { amount = random.uniform(0.01...(2 * customer.meanAmount)) }
                var truth = GroundTruth.legitimate
                if cardSkimmedUntil[index] >= day, random.chance(1.0 / 3) {
                    amount *= Self.skimmedAmountFactor
                    truth = GroundTruth(scenario: .skimmedCard)
                } else if terminalCompromisedUntil[terminal] >= day {
                    truth = GroundTruth(scenario: .terminalCompromise)
                }
                drawn.append(
                    (seconds, drawn.count, purchase(customer: index, terminal: terminal, amount: amount,
                                                     atMs: dayStartMs + Int64(seconds * 1000), truth: truth)))
            }
        }
        for _ in 0..<max(configuration.nightCashOutsPerDay, 0) {
            let index = random.int(0...(world.customers.count - 1))
            let home = world.customers[index]
            var seconds = random.uniform(3_600...14_400)
            for _ in 0..<random.int(3...6) {
                var terminal = random.int(0...(world.terminals.count - 1))
                for _ in 0..<10 {
                    let place = world.terminals[terminal]
                    let dx = place.x - home.x
                    let dy = place.y - home.y
                    if dx * dx + dy * dy >= Self.cashOutDistanceKm * Self.cashOutDistanceKm { break }
                    terminal = random.int(0...(world.terminals.count - 1))
                }
                drawn.append(
                    (seconds, drawn.count, purchase(customer: index, terminal: terminal, amount: random.uniform(150...600),
                                                     atMs: dayStartMs + Int64(seconds * 1000),
                                                     truth: GroundTruth(scenario: .nightCashOut))))
                seconds += random.uniform(300...1_200)
            }
        }
        drawn.sort { ($0.seconds, $0.order) < ($1.seconds, $1.order) }
        today = drawn.map(\.labelled)
        todayNext = 0
        day += 1
    }

    private func purchase(customer: Int, terminal: Int, amount: Double, atMs: Int64, truth: GroundTruth) -> LabelledTransaction {
        LabelledTransaction(
            transaction: Transaction(
                cardID: "tc-\(seedTag)-\(customer)", merchantID: "tt-\(seedTag)-\(terminal)",
                amountMinor: max(Int64((amount * 100).rounded()), 1), eventTimeMs: atMs,
                location: world.location(ofTerminal: terminal), channel: .cardPresent),
            truth: truth, cardIndex: customer)
    }
}
