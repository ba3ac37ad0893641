/// Scores transactions against per-card, per-device and per-merchant state, and updates that state.
///
/// Thread-safe: call it from any number of threads (the daemon calls it on every NIO event loop).
/// Each transaction is scored against the card's state *before* it and then applied, both under
/// the card's stripe lock, so concurrent transactions for one card serialise and none is lost.
/// Device and merchant state are updated under their own locks just before; no two locks are
/// ever held at once.
public final class RiskEngine: @unchecked Sendable {
    public let cards: StripedTable<CardState>
    public let devices: StripedTable<DeviceState>
    public let merchants: StripedTable<MerchantState>
    public let configuration: EngineConfiguration
    private let modelLock = PaddedMutex()
    private var installedModel: RiskModel

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
    }

    /// The model in use.
    public var model: RiskModel { modelLock.withLock { installedModel } }

    /// Switches to another model; transactions already being scored finish on the old one.
    public func install(_ model: RiskModel) {
        modelLock.withLock { installedModel = model }
    }

    /// Scores `transaction` and folds it into the state. Validate it first (`TransactionIntake`).
    public func score(_ transaction: TransactionFeatures) -> RiskAssessment {
        score(transaction, with: model)
    }

    /// Scores with a model the caller already holds (read `model` once per request, not per step).
    public func score(_ transaction: TransactionFeatures, with model: RiskModel) -> RiskAssessment {
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
        merchants.update(transaction.merchant, at: seconds) { merchant, _ in
            merchant.record(amount: Float(transaction.amountMajor), at: seconds)
        }
        return cards.update(transaction.card, at: seconds) { card, _ in
            let context = ScoringContext(
                transaction: transaction, card: card,
                otherCardsOnDevice: otherCardsOnDevice, deviceFraudAt: deviceFraudAt)
            let assessment = model.assess(context)
            card.apply(transaction, localHour: context.localHour)
            return assessment
        }
    }

    /// Records a confirmed outcome. A card with confirmed fraud scores high from then on.
    public func record(_ feedback: FeedbackFeatures) {
        let reported = EventTime.seconds(fromUnixMs: max(feedback.reportedTimeMs, feedback.eventTimeMs))
        guard feedback.outcome == .fraud else { return }
        cards.update(feedback.card, at: reported) { card, _ in
            card.confirmedFraudAt = max(card.confirmedFraudAt, reported)
            card.lastSeen = max(card.lastSeen, reported)
        }
        if !feedback.merchant.isNone {
            merchants.update(feedback.merchant, at: reported) { merchant, _ in
                merchant.fraudReports &+= 1
                merchant.lastFraudReportAt = max(merchant.lastFraudReportAt, reported)
            }
        }
    }

    /// Cards tracked now.
    public var cardsTracked: Int { cards.count }

    /// Drops idle entries from every table; returns how many went.
    @discardableResult
    public func expireIdle() -> Int {
        cards.expireIdle() + devices.expireIdle() + merchants.expireIdle()
    }
}
