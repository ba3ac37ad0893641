import StreamifyWire

/// The endless, deterministic stream of transactions (and delayed feedback) a world produces.
///
/// A simulated clock advances by exponential gaps (mean `WorldConfiguration.meanInterArrivalMs`);
/// each tick either emits a due scheduled event (the later steps of a fraud scenario, or a
/// chargeback) or a legitimate purchase by a card that is awake at that local hour. Fraud
/// scenarios start whenever the fraud emitted so far falls below `fraudRate`, so the rate holds
/// over any long enough prefix. Event times never decrease, so each card's are monotone too.
public struct TransactionStream: Sendable {
    /// A transaction waiting for its event time (later steps of a scenario).
    package struct ScheduledTransaction: Sendable {
        package var timeMs: Int64
        package var transaction: Transaction
        package var truth: GroundTruth
        package var cardIndex: Int
        /// Whether the fraud rate control already counts it (steps due within the hour).
        package var countsTowardsRate: Bool
    }

    /// A breach of a merchant, for inspection: the cards that shopped there, misused later.
    package struct Breach: Sendable, Hashable {
        package var merchantIndex: Int
        package var timeMs: Int64
        package var victims: [Int]
    }

    /// One purchase remembered so a breach can find the cards that shopped at a merchant.
    package struct Purchase: Sendable {
        package var cardIndex: Int
        package var merchantIndex: Int
    }

    package let world: World
    /// What the world and its traffic were made from.
    public let configuration: WorldConfiguration
    package var random: SeededRandom
    package let seedTag: String

    /// Simulated now, in Unix milliseconds.
    private(set) var clockMs: Double
    private var lastEmittedMs: Int64
    private var nextSequence = 0

    /// Scenario steps still to come, by time (then by insertion).
    private var scheduled: [ScheduledTransaction] = []
    /// Feedback waiting for its reported time; times only grow, so a FIFO.
    private var feedbackQueue: [(feedback: Feedback, cardIndex: Int)] = []
    private var feedbackHead = 0

    private(set) var emittedTransactions = 0
    private(set) var emittedFraud = 0
    private(set) var emittedFeedback = 0
    /// Scheduled steps due within the hour; steps days ahead (breach misuse) are counted when
    /// they happen, or a short run would reserve fraud budget it never sees.
    private var scheduledSoonFraud = 0
    private var scheduledSoonLegitimate = 0

    /// The last purchases (a ring), for the compromised-merchant scenario.
    package var recentPurchases: [Purchase] = []
    package var recentPurchasesNext = 0
    package static let recentPurchasesCapacity = 4096

    /// Every breach so far, while `recordsBreaches` (for checking the stream: a stream that runs
    /// for days, as the demo feed does, must not keep them all).
    package var breaches: [Breach] = []
    /// Whether `breaches` keeps each breach; off unless a check asks for it.
    package var recordsBreaches = false

    /// Cards reissued after a chargeback, and how many times: the issuer blocks a number it
    /// knows is compromised, so the cardholder shops on with a new one (`-r1`, `-r2`, ...).
    private var reissues: [Int: Int] = [:]

    /// Cards on a legitimate trip (looked up, never iterated, so the stream stays deterministic).
    package var trips: [Int: Trip] = [:]
    /// Chance that an everyday purchase at home comes a few hours before a trip.
    package static let tripProbability = 0.002

    package init(world: World, configuration: WorldConfiguration) {
        self.world = world
        self.configuration = configuration
        // A different stream of numbers than the world's, from the same seed.
        self.random = SeededRandom(seed: configuration.seed ^ 0x5EED_57EA_4D15_7A11)
        self.seedTag = String(configuration.seed, radix: 36)
        self.clockMs = Double(configuration.startTimeMs)
        self.lastEmittedMs = configuration.startTimeMs
        recentPurchases.reserveCapacity(Self.recentPurchasesCapacity)
    }

    /// Builds the world from `configuration`; the stream starts at its `startTimeMs`.
    public init(configuration: WorldConfiguration) {
        self.init(world: World(configuration: configuration), configuration: configuration)
    }

    /// The next item in event-time order.
    public mutating func next() -> StreamItem {
        if let item = popDue() { return item }
        clockMs += random.exponential(mean: configuration.meanInterArrivalMs)
        if let item = popDue() { return item }
        if shouldStartScenario() {
            startScenario()
            if let item = popDue() { return item }
        }
        return emit(legitimate(atMs: Int64(clockMs)))
    }

    // MARK: Scheduling

    private func fraudIsBelowTarget() -> Bool {
        let fraud = Double(emittedFraud + scheduledSoonFraud)
        let total = Double(emittedTransactions + scheduledSoonFraud + scheduledSoonLegitimate + 1)
        return fraud < configuration.fraudRate * total
    }

    private mutating func shouldStartScenario() -> Bool {
        configuration.fraudRate > 0 && !activeScenarios.isEmpty && fraudIsBelowTarget() && random.chance(0.25)
    }

    /// The scenarios that can start now (the city world's only).
    package var activeScenarios: [FraudScenario] {
        configuration.scenarios.active(afterMs: Int64(clockMs) - configuration.startTimeMs)
            .filter(FraudScenario.cityWorld.contains)
    }

    /// Queues a scenario step for `timeMs` (no earlier than now).
    package mutating func schedule(_ transaction: Transaction, atMs timeMs: Int64, truth: GroundTruth, cardIndex: Int) {
        let entry = ScheduledTransaction(
            timeMs: max(timeMs, Int64(clockMs)), transaction: transaction, truth: truth, cardIndex: cardIndex,
            countsTowardsRate: timeMs - Int64(clockMs) <= 3_600_000)
        var index = scheduled.endIndex
        while index > scheduled.startIndex && scheduled[index - 1].timeMs > entry.timeMs { index -= 1 }
        scheduled.insert(entry, at: index)
        if entry.countsTowardsRate {
            if truth.isFraud { scheduledSoonFraud += 1 } else { scheduledSoonLegitimate += 1 }
        }
    }

    private mutating func popDue() -> StreamItem? {
        let now = Int64(clockMs)
        let feedbackTime = feedbackHead < feedbackQueue.count ? feedbackQueue[feedbackHead].feedback.reportedTimeMs : Int64.max
        let scheduledTime = scheduled.first?.timeMs ?? Int64.max
        if feedbackTime <= now && feedbackTime <= scheduledTime {
            let (feedback, cardIndex) = feedbackQueue[feedbackHead]
            feedbackHead += 1
            if feedbackHead > 4096 && feedbackHead * 2 > feedbackQueue.count {
                feedbackQueue.removeFirst(feedbackHead)
                feedbackHead = 0
            }
            emittedFeedback += 1
            if feedback.label == .fraud, feedback.cardID == cardNumber(cardIndex) {
                reissues[cardIndex, default: 0] += 1
            }
            return .feedback(feedback, cardIndex: cardIndex)
        }
        if scheduledTime <= now {
            let entry = scheduled.removeFirst()
            if entry.countsTowardsRate {
                if entry.truth.isFraud { scheduledSoonFraud -= 1 } else { scheduledSoonLegitimate -= 1 }
            }
            var transaction = entry.transaction
            transaction.eventTimeMs = entry.timeMs
            return emit(LabelledTransaction(transaction: transaction, truth: entry.truth, cardIndex: entry.cardIndex))
        }
        return nil
    }

    /// The card's current number: its id, with a suffix once reissued.
    private func cardNumber(_ cardIndex: Int) -> String {
        let id = world.cards[cardIndex].id
        guard let count = reissues[cardIndex] else { return id }
        return "\(id)-r\(count)"
    }

    /// Stamps id, card number and (monotone) time, counts, queues feedback.
    private mutating func emit(_ labelled: LabelledTransaction) -> StreamItem {
        var labelled = labelled
        let time = max(labelled.transaction.eventTimeMs, lastEmittedMs)
        lastEmittedMs = time
        labelled.transaction.eventTimeMs = time
        if reissues[labelled.cardIndex] != nil { labelled.transaction.cardID = cardNumber(labelled.cardIndex) }
        labelled.transaction.transactionID = "tx-\(seedTag)-\(nextSequence)"
        nextSequence += 1
        emittedTransactions += 1
        if labelled.truth.isFraud { emittedFraud += 1 }
        if let delay = configuration.feedbackDelayMs, labelled.truth.isFraud || configuration.feedbackForLegitimate {
            let transaction = labelled.transaction
            feedbackQueue.append(
                (
                    Feedback(
                        transactionID: transaction.transactionID, cardID: transaction.cardID,
                        merchantID: transaction.merchantID, label: labelled.truth.isFraud ? .fraud : .legitimate,
                        eventTimeMs: time, reportedTimeMs: time + delay, amountMinor: transaction.amountMinor),
                    labelled.cardIndex
                ))
        }
        return .transaction(labelled)
    }
}

extension TransactionStream {
    /// The next `count` transactions in event-time order, skipping outcomes (for feeds and
    /// benchmarks that carry no labels).
    public mutating func nextTransactions(_ count: Int) -> [Transaction] {
        var transactions: [Transaction] = []
        transactions.reserveCapacity(count)
        while transactions.count < count {
            if case .transaction(let labelled) = next() { transactions.append(labelled.transaction) }
        }
        return transactions
    }
}
