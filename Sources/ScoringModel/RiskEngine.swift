/// Scores transactions against per-card, per-device and per-merchant state, and updates that state.
///
/// Thread-safe: call it from any number of threads (the daemon calls it on every NIO event loop).
/// Each transaction is scored against the card's state *before* it and then applied, both under
/// the card's stripe lock, so concurrent transactions for one card serialise and none is lost.
/// Device and merchant state are updated under their own locks just before; no two locks are
/// ever held at once.
///
/// Two models score every transaction: the champion (the hand-set model, or a deployed file)
/// and a challenger the online learner trains from outcomes, starting from the champion. One
/// answers, the other is scored in its shadow; both scores are kept with the transaction, and
/// once its outcome is final both are judged on it (`scoreboard`). The challenger answers while
/// it ranks recent outcomes better (`ChallengerPolicy`).
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
    /// Trains the challenger from labels.
    public let learner: OnlineLearner
    /// Both models' rolling quality on final outcomes.
    public let scoreboard: ModelScoreboard
    /// Recent final outcomes, for the challenger's daily refits.
    public let reservoir: OutcomeReservoir
    let refit: ChallengerRefit
    let pendingLabels: PendingLabels
    let housekeeping: HousekeepingSchedule
    let clock = EventClock()
    /// The table sizes and lifetimes it was created with.
    public let configuration: EngineConfiguration
    let modelLock = PaddedMutex()
    var serving: ServingModels
    /// Levels the challenger answers with once calibrated on its outcomes (nil: the champion's).
    var challengerThresholds: RiskModel.Thresholds?
    var switches = 0
    private var lastQuality: (champion: RankingQuality, challenger: RankingQuality)?

    /// Creates empty tables sized by `configuration` and installs `model` as the champion (the
    /// hand-set defaults unless given), with a challenger learned from it.
    public init(configuration: EngineConfiguration = EngineConfiguration(), model: RiskModel = .builtIn) {
        self.configuration = configuration
        self.serving = ServingModels(only: model)
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
        self.scoreboard = ModelScoreboard(windowDays: configuration.learning.challenger.windowDays)
        let refit = configuration.learning.refit
        self.reservoir = OutcomeReservoir(
            fraudCapacity: refit.enabled ? refit.fraudCapacity : 0, legitimateCapacity: refit.enabled ? refit.legitimateCapacity : 0,
            legitimateSampling: refit.legitimateSampling, windowDays: refit.windowDays)
        self.pendingLabels = PendingLabels(capacity: max(configuration.maximumPendingLabels, 0))
        self.housekeeping = HousekeepingSchedule(periodSeconds: configuration.housekeepingPeriodSeconds)
        self.refit = ChallengerRefit(periodSeconds: configuration.housekeepingPeriodSeconds)
        learner.rebase(on: model) { prior in serving = ServingModels(champion: model, challenger: prior, challengerServes: false) }
    }

    /// The model that answers now (its version is reported with each decision).
    public var model: RiskModel { models.served }

    /// Champion, challenger and which answers: read once per request, not per step.
    public var models: ServingModels { modelLock.withLock { serving } }

    /// Whether the learned challenger answers now.
    public var challengerServes: Bool { models.challengerServes }

    /// Times the challenger took over or handed back since the last install.
    public var challengerSwitches: Int { modelLock.withLock { switches } }

    /// Both models' quality at the last housekeeping round (nil before the first).
    public var modelQuality: (champion: RankingQuality, challenger: RankingQuality)? { modelLock.withLock { lastQuality } }

    /// Installs `model` as the champion; transactions already being scored finish on the old
    /// models. The challenger restarts from it, and the champion answers until it is beaten again.
    /// The scoreboard starts over too: outcomes scored by the old models judge neither new one.
    public func install(_ model: RiskModel) {
        learner.rebase(on: model) { prior in
            modelLock.withLock {
                serving = ServingModels(
                    champion: model, challenger: prior, challengerServes: false, generation: serving.generation &+ 1)
                challengerThresholds = nil
                switches = 0
                lastQuality = nil
                // Under the model lock, so a review cannot bring back what the old models scored.
                scoreboard.reset()
            }
            refit.reset()
        }
    }

    /// The generation of the models now installed.
    var generation: UInt16 { models.generation }

    /// Refits the challenger once an event-time day (from the reservoir, off this thread) and
    /// installs the fit due by `seconds`; see `ChallengerRefit`.
    func refitChallenger(at seconds: UInt32) {
        if let (fit, prior) = refit.collect(reaching: seconds) {
            learner.adopt(fit, fittedTo: prior) { publishLearned($0) }
        }
        let settings = configuration.learning.refit
        guard settings.enabled, !learner.isFrozen, reservoir.fraudCount >= configuration.learning.challenger.minimumFrauds,
            let prior = learner.prior
        else { return }
        let trainer = LogisticTrainer(l2: settings.l2, confidence: settings.confidence)
        _ = refit.startIfDue(at: seconds, samples: { reservoir.samples(at: seconds) }, trainer: trainer, prior: prior)
    }

    /// Refits started so far.
    public var refitsStarted: Int { refit.fitsStarted }

    /// Holds a version the learner published as the challenger (the learner holds its own lock
    /// around this), with the levels calibrated for it.
    func publishLearned(_ model: RiskModel) {
        modelLock.withLock {
            var challenger = model
            if let challengerThresholds { challenger.thresholds = challengerThresholds }
            serving = serving.replacing(challenger: challenger)
        }
    }

    /// Compares champion and challenger on the outcomes of the scoreboard's window, recalibrates
    /// the challenger's levels, and lets the better one answer (`ChallengerPolicy`).
    func reviewChallenger(at seconds: UInt32) {
        let policy = configuration.learning.challenger
        modelLock.withLock {
            // The histograms are read under the model lock: an install resets them under it too.
            let (championHistogram, challengerHistogram) = scoreboard.histograms(at: seconds)
            let quality = (champion: championHistogram.quality, challenger: challengerHistogram.quality)
            lastQuality = quality
            var challenger = serving.challenger
            if policy.isSettled(quality.challenger), let thresholds = policy.thresholds(from: challengerHistogram) {
                challengerThresholds = thresholds
                challenger.thresholds = thresholds
            }
            let serves = policy.challengerServes(
                now: serving.challengerServes, champion: quality.champion, challenger: quality.challenger)
            if serves != serving.challengerServes { switches += 1 }
            serving = serving.replacing(challenger: challenger, serves: serves)
        }
    }

    /// Scores `transaction` and folds it into the state. Validate it first (`TransactionIntake`).
    public func score(_ transaction: TransactionFeatures) -> RiskAssessment {
        score(transaction, with: models)
    }

    /// Scores with the models the caller already holds (read `models` once per request, not per step).
    public func score(_ transaction: TransactionFeatures, with models: ServingModels) -> RiskAssessment {
        var features = FeatureVector()
        return score(transaction, with: models, features: &features)
    }

    /// Scores and also hands back the feature vector the decision was made on (for training).
    public func score(
        _ transaction: TransactionFeatures, with models: ServingModels, features: inout FeatureVector
    ) -> RiskAssessment {
        var assessment = RiskAssessment()
        score(transaction, with: models, features: &features, into: &assessment)
        return assessment
    }

    /// `score(_:with:features:)` for the hot path: the assessment is written into `assessment`
    /// (every field), not returned: returned, its 400-odd bytes were copied at every step.
    public func score(
        _ transaction: TransactionFeatures, with models: ServingModels, features: inout FeatureVector,
        into assessment: inout RiskAssessment
    ) {
        let seconds = transaction.eventSeconds
        let cardShort = transaction.card.short
        let ipAddress: EntityKey = transaction.ipAddress != 0 ? .ipAddress(transaction.ipAddress) : .none
        prefetchProbes(of: transaction, ipAddress: ipAddress)

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
        if !ipAddress.isNone {
            devices.update(ipAddress, at: seconds) { ip, _ in
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
        let halfLife = configuration.confirmedFraudHalfLifeSeconds
        cards.update(transaction.card, at: seconds) { card, _ in
            if quiet > 0, card.confirmedFraudAt != 0, seconds > card.lastSeen, seconds - card.lastSeen >= quiet {
                card.confirmedFraudAt = 0
            }
            let context = ScoringContext(
                transaction: transaction, card: card,
                otherCardsOnDevice: otherCardsOnDevice, deviceFraudAt: deviceFraudAt,
                otherCardsOnIP: otherCardsOnIP, ipFraudAt: ipFraudAt, merchantRisk: merchantRisk,
                fraudHalfLifeSeconds: halfLife)
            models.assess(context, features: &features, into: &assessment)
            card.apply(transaction, localHour: context.localHour, logAmount: context.logAmount)
        }
        if let outcomes, !transaction.transaction.isNone {
            // The model that did not answer is scored from the same features, in its shadow.
            let (championScore, challengerScore) =
                models.challengerServes
                ? (models.champion.shadowScore(features), assessment.score)
                : (assessment.score, models.challenger.shadowScore(features))
            outcomes.log(
                transaction, features: features, championScore: championScore, challengerScore: challengerScore,
                generation: models.generation)
        }
        clock.advance(to: seconds)
        if housekeeping.claim(reaching: seconds) { expireIdle() }
    }

    /// Starts the index lookups `score` makes (device, IP address, merchant, card, outcome log)
    /// all at once: each is a likely cache miss on a table of millions, and taken one after
    /// another under their locks they would wait in turn. Absent keys (`.none`) are skipped by
    /// the tables.
    @inline(__always)
    private func prefetchProbes(of transaction: TransactionFeatures, ipAddress: EntityKey) {
        devices.prefetch(transaction.device)
        devices.prefetch(ipAddress)
        merchants.prefetch(transaction.merchant)
        cards.prefetch(transaction.card)
        outcomes?.table.prefetch(transaction.transaction)
        devices.prefetchEntry(transaction.device)
        devices.prefetchEntry(ipAddress)
        merchants.prefetchEntry(transaction.merchant)
        cards.prefetchEntry(transaction.card)
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

    /// Takes `card` in as the whole state of its card, replacing what the table held for it:
    /// a card whose input partition moved here from another instance (its changelog).
    public func adopt(_ card: CardState) {
        cards.update(EntityKey(rawValue: card.key), at: card.lastSeen) { entry, _ in entry = card }
    }

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
