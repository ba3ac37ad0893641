/// Scores transactions against per-card, per-device and per-merchant state, and updates that state.
///
/// Thread-safe: call it from any number of threads (the daemon calls it on every NIO event loop).
/// Each transaction is scored against the card's state *before* it and then applied, both under
/// the card's stripe lock, so concurrent transactions for one card serialise and none is lost.
/// Device and merchant state are updated under their own locks just before; no two locks are
/// ever held at once.
///
/// Everything that moves with time moves with the transactions' event time, never the wall
/// clock: a housekeeping round (`expireIdle()`) runs inside `score` each time the event-time
/// clock crosses a multiple of `EngineConfiguration.housekeepingPeriodSeconds`, so a stream
/// replayed at any speed gets the same answers.
public final class RiskEngine: @unchecked Sendable {
    /// Per-card state, keyed by card fingerprint.
    public let cards: StripedTable<CardState>
    /// Per-device state, and per-IP-address state under `EntityKey.ipAddress(_:)` keys.
    public let devices: StripedTable<DeviceState>
    /// Per-merchant state, keyed by merchant fingerprint.
    public let merchants: StripedTable<MerchantState>
    /// Scored transactions awaiting their outcome; nil when `maximumLoggedTransactions` is 0.
    public let outcomes: OutcomeLog?
    /// Transactions labelled so far, for duplicate detection without an outcome log (nil with one).
    let labelled: StripedTable<LabelLedgerEntry>?
    /// Adapts an installed logistic model from labels (idle under the hand-set noisy-OR).
    public let learner: OnlineLearner
    let pendingLabels: PendingLabels
    private let housekeeping: HousekeepingSchedule
    let clock = EventClock()
    /// The table sizes and lifetimes it was created with.
    public let configuration: EngineConfiguration
    private let modelLock = PaddedMutex()
    private var installedModel: RiskModel

    /// Creates empty tables sized by `configuration` and installs `model` (the hand-set defaults unless given).
    public init(configuration: EngineConfiguration = EngineConfiguration(), model: RiskModel = .builtIn) {
        self.configuration = configuration
        self.installedModel = model
        self.cards = StripedTable(
            stripeCount: configuration.stripeCount, capacity: configuration.maximumCards,
            idleSeconds: configuration.cardIdleSeconds)
        self.devices = StripedTable(
            stripeCount: configuration.stripeCount, capacity: configuration.maximumDevices,
            idleSeconds: configuration.deviceIdleSeconds)
        self.merchants = StripedTable(
            stripeCount: configuration.stripeCount, capacity: configuration.maximumMerchants,
            idleSeconds: configuration.merchantIdleSeconds)
        self.outcomes =
            configuration.maximumLoggedTransactions > 0
            ? OutcomeLog(
                stripeCount: configuration.stripeCount, capacity: configuration.maximumLoggedTransactions,
                maturitySeconds: configuration.outcomeMaturitySeconds)
            : nil
        self.labelled =
            outcomes == nil && configuration.maximumLabelledTransactions > 0
            ? StripedTable(
                stripeCount: configuration.stripeCount, capacity: configuration.maximumLabelledTransactions,
                idleSeconds: configuration.outcomeMaturitySeconds)
            : nil
        self.learner = OnlineLearner(configuration: configuration.learning)
        self.pendingLabels = PendingLabels(capacity: max(configuration.maximumPendingLabels, 0))
        self.housekeeping = HousekeepingSchedule(periodSeconds: configuration.housekeepingPeriodSeconds)
        learner.rebase(on: model) {}
    }

    /// The model in use.
    public var model: RiskModel { modelLock.withLock { installedModel } }

    /// Switches to another model; transactions already being scored finish on the old one.
    /// Online learning restarts from it (and idles unless it is a logistic model).
    public func install(_ model: RiskModel) {
        learner.rebase(on: model) { modelLock.withLock { installedModel = model } }
    }

    /// Installs a version the learner published (it holds its own lock around this).
    func publishLearned(_ model: RiskModel) {
        modelLock.withLock { installedModel = model }
    }

    /// Scores `transaction` and folds it into the state. Validate it first (`TransactionIntake`).
    public func score(_ transaction: TransactionFeatures) -> RiskAssessment {
        score(transaction, with: model)
    }

    /// Scores with a model the caller already holds (read `model` once per request, not per step).
    public func score(_ transaction: TransactionFeatures, with model: RiskModel) -> RiskAssessment {
        var features = FeatureVector()
        return score(transaction, with: model, features: &features)
    }

    /// Scores and also hands back the feature vector the decision was made on (for training).
    public func score(
        _ transaction: TransactionFeatures, with model: RiskModel, features: inout FeatureVector
    ) -> RiskAssessment {
        let seconds = transaction.eventSeconds
        let cardShort = transaction.card.short

        var otherCardsOnDevice = 0
        var deviceFraudAt: UInt32 = 0
        if !transaction.device.isNone {
            devices.update(transaction.device, at: seconds) { device, _ in
                otherCardsOnDevice = device.otherRecentCards(than: cardShort, at: seconds)
                deviceFraudAt = device.confirmedFraudAt
                device.record(card: cardShort, at: seconds)
            }
        }
        var otherCardsOnIP = 0
        var ipFraudAt: UInt32 = 0
        // IP state only feeds outcome signals (a logistic model); the hand-set model never reads it.
        if transaction.ipAddress != 0, model.usesOutcomeSignals {
            devices.update(.ipAddress(transaction.ipAddress), at: seconds) { ip, _ in
                otherCardsOnIP = ip.otherRecentCards(than: cardShort, at: seconds)
                ipFraudAt = ip.confirmedFraudAt
                ip.record(card: cardShort, at: seconds)
            }
        }
        var merchantRisk = MerchantRisk.none
        let delayDays = configuration.outcomeDelayDays
        merchants.update(transaction.merchant, at: seconds) { merchant, _ in
            merchant.record(amount: Float(transaction.amountMajor), at: seconds)
            merchantRisk = MerchantRisk(&merchant.outcomes, at: seconds, delayDays: delayDays)
            merchant.outcomes.addTransaction(at: seconds)
        }
        features = FeatureVector()
        let quiet = configuration.confirmedFraudQuietSeconds
        let assessment = cards.update(transaction.card, at: seconds) { card, _ in
            if quiet > 0, card.confirmedFraudAt != 0, seconds > card.lastSeen, seconds - card.lastSeen >= quiet {
                card.confirmedFraudAt = 0
            }
            let context = ScoringContext(
                transaction: transaction, card: card,
                otherCardsOnDevice: otherCardsOnDevice, deviceFraudAt: deviceFraudAt,
                otherCardsOnIP: otherCardsOnIP, ipFraudAt: ipFraudAt, merchantRisk: merchantRisk,
                outcomeSignals: model.usesOutcomeSignals)
            let assessment = model.assess(context, features: &features)
            card.apply(transaction, localHour: context.localHour)
            return assessment
        }
        if let outcomes, !transaction.transaction.isNone {
            outcomes.log(transaction, features: features, score: assessment.score)
        }
        clock.advance(to: seconds)
        if housekeeping.claim(reaching: seconds) { expireIdle() }
        return assessment
    }

    /// Whether an event at `seconds` is within `configuration.maximumClockSkewSeconds` of the
    /// event clock or the wall clock. Refuse a transaction it is not (the doors do, through
    /// `ScoringService`): one far-future timestamp must not move the clock that expires state.
    @inline(__always)
    public func admits(eventSeconds seconds: UInt32) -> Bool {
        clock.admits(seconds, skewSeconds: configuration.maximumClockSkewSeconds)
    }

    /// Cards tracked now.
    public var cardsTracked: Int { cards.count }

    /// Housekeeping rounds run so far: one each time the event-time clock crossed a multiple of
    /// `configuration.housekeepingPeriodSeconds`.
    public var housekeepingRounds: Int { housekeeping.rounds }

    /// Drops idle entries from every table, releases held labels the clock has reached and
    /// learns from matured outcomes; returns how many entries went.
    ///
    /// Scoring runs this itself at each crossing of the event-time housekeeping period, on the
    /// thread whose transaction crossed it. Call it directly only where no transactions flow
    /// (tools, tests, the end of a replay).
    @discardableResult
    public func expireIdle() -> Int {
        cards.expireIdle() + devices.expireIdle() + merchants.expireIdle() + (labelled?.expireIdle() ?? 0)
            + settleOutcomes()
    }
}
