import Foundation
import ScoringEngine
import ScoringModel
import StreamifyWire
import SyntheticWorld

// What the JSON API answers, one type per shape. Keys are written in snake case
// (`DashboardJSON.encoder`), the seed pipeline's spelling.

/// One factor of a decision.
struct FactorView: Encodable {
    var factor: String
    var score: Float
    var weight: Float
    var contribution: Float
    var reason: String
}

/// One sampled decision: the transaction and its whole breakdown.
struct DecisionView: Encodable {
    var transactionId: String
    var cardId: String
    var merchantId: String
    var amount: Double
    var amountMinor: Int64
    var currency: String
    var category: String
    var paymentMethod: String
    var country: String
    var latitude: Double?
    var longitude: Double?
    var deviceId: String
    var channel: String
    var eventTimeMs: Int64
    var time: String
    var riskScore: Float
    /// `risk_score` under the seed API's name.
    var score: Float
    var level: String
    var modelVersion: String
    var factors: [FactorView]

    init(_ entry: DecisionFeed.Entry) {
        let transaction = entry.transaction
        transactionId = transaction.transactionID
        cardId = transaction.cardID
        merchantId = transaction.merchantID
        amountMinor = transaction.amountMinor
        amount = Double(transaction.amountMinor) / 100
        currency = transaction.currency
        category = transaction.merchantCategory
        paymentMethod = transaction.paymentMethod
        country = transaction.country
        latitude = transaction.location?.latitude
        longitude = transaction.location?.longitude
        deviceId = transaction.deviceID
        channel = "\(transaction.channel)"
        eventTimeMs = transaction.eventTimeMs
        time = ISO8601Timestamp.format(transaction.eventTimeMs)
        riskScore = entry.assessment.score
        score = entry.assessment.score
        level = entry.assessment.level.name
        modelVersion = entry.modelVersion
        factors = RiskFactor.allCases.map { factor in
            let outcome = entry.assessment[factor]
            return FactorView(
                factor: factor.name, score: outcome.score, weight: outcome.weight, contribution: outcome.contribution,
                reason: outcome.reason)
        }
    }
}

/// `GET /api/analytics`: the seed's figures, then the daemon's.
struct AnalyticsView: Encodable {
    var totalRevenue: Double
    var totalTransactions: Int
    var fraudCount: Int
    var avgTransaction: Double
    /// Revenue by merchant category, estimated from the sampled transactions' shares.
    var categoryBreakdown: [String: Double]
    /// Sampled transactions by payment method and by country.
    var paymentMethods: [String: Int]
    var countries: [String: Int]
    /// Transactions scored per second over the last 10 s (`throughput` is the same figure), and per minute.
    var processingRate: Double
    var throughput: Double
    var ratePerMinute: Double
    var latencyP50Us: UInt32?
    var latencyP99Us: UInt32?
    var alertLevels: [String: Int]
    var feedback: Int
    var refusals: Int
    var sampledTransactions: Int
    /// Every point kept (`/api/analytics`); nil in the live stream, which sends `latest` instead.
    var history: [ThroughputHistory.Point]?
    var latest: ThroughputHistory.Point?
    var model: ModelView
    var demo: DemoView

    /// This without the history, with its newest point: what the live stream sends each second.
    var live: AnalyticsView {
        var copy = self
        copy.latest = history?.last
        copy.history = nil
        return copy
    }
}

/// The model in service and the learning status.
struct ModelView: Encodable {
    var version: String
    var challengerServes: Bool
    var challengerSwitches: Int
    var learnerUpdates: Int
    var labelsPending: Int
    var outcomesAwaited: Int
    var reservoirFrauds: Int
    var reservoirLegitimate: Int
    var refitsStarted: Int
    var cardsTracked: Int
    var eventClock: String
    var championRocAuc: Double?
    var challengerRocAuc: Double?

    init(_ engine: RiskEngine) {
        version = engine.model.version
        challengerServes = engine.challengerServes
        challengerSwitches = engine.challengerSwitches
        learnerUpdates = engine.learner.updateCount
        labelsPending = engine.pendingLabelCount
        outcomesAwaited = engine.outcomes?.count ?? 0
        reservoirFrauds = engine.reservoir.fraudCount
        reservoirLegitimate = engine.reservoir.legitimateCount
        refitsStarted = engine.refitsStarted
        cardsTracked = engine.cardsTracked
        eventClock = eventTime(engine.eventClock)
        // Null, shown as "–", until the scoreboard's window holds both classes.
        let quality = engine.modelQuality
        championRocAuc = quality.flatMap { $0.champion.isDefined ? $0.champion.rocAUC : nil }
        challengerRocAuc = quality.flatMap { $0.challenger.isDefined ? $0.challenger.rocAUC : nil }
    }
}

/// The demo load and its detection against ground truth.
struct DemoView: Encodable {
    struct Recall: Encodable {
        var scenario: String
        var frauds: Int
        var flagged: Int
        var recall: Double?
    }
    struct Precision: Encodable {
        var level: String
        var decisions: Int
        var frauds: Int
        var precision: Double?
    }
    var running: Bool
    var rate: Int
    var transactionsSent: Int
    var labelsSent: Int
    /// Due at the rate but never played, as scoring fell behind it.
    var transactionsShed: Int
    var recallByScenario: [Recall]
    var precisionByLevel: [Precision]

    /// Over every demo transaction since the last reset; nil without both classes.
    var rocAuc: Double?
    var averagePrecision: Double?

    init(_ status: DemoLoad.Status) {
        running = status.running
        rate = status.rate
        transactionsSent = status.transactionsSent
        labelsSent = status.labelsSent
        transactionsShed = status.transactionsShed
        let tally = status.tally
        let flaggedLevels = Int(DecisionFeed.alertLevel.rawValue)..<DetectionTally.levels
        recallByScenario = FraudScenario.allCases.compactMap { scenario in
            let code = Int(scenario.code)
            let frauds = Int(tally.count(truthCode: code))
            guard frauds > 0 else { return nil }
            let flagged = flaggedLevels.reduce(0) { $0 + Int(tally.count(truthCode: code, level: $1)) }
            return Recall(scenario: scenario.rawValue, frauds: frauds, flagged: flagged, recall: Double(flagged) / Double(frauds))
        }
        precisionByLevel = RiskLevel.allCases.map { level in
            let raw = Int(level.rawValue)
            let decisions = (0..<DetectionTally.truthRows).reduce(0) { $0 + Int(tally.count(truthCode: $1, level: raw)) }
            let frauds = decisions - Int(tally.count(truthCode: 0, level: raw))
            return Precision(
                level: level.name, decisions: decisions, frauds: frauds,
                precision: decisions > 0 ? Double(frauds) / Double(decisions) : nil)
        }
        rocAuc = tally.rocAUC
        averagePrecision = tally.averagePrecision
    }
}

/// `GET /api/cards/{id}`: the card's state in the engine and its sampled recent decisions.
struct CardView: Encodable {
    struct Profile: Encodable {
        var firstSeen: String
        var lastSeen: String
        var transactionCount: UInt32
        /// Nil for a card no transaction has been scored on (a label created it).
        var typicalAmount: Double?
        /// Nil while no transaction on the card gave a country.
        var lastCountry: String?
        /// Nil while no transaction on the card carried a location.
        var lastLatitude: Float?
        var lastLongitude: Float?
        var knownDevices: Int
        var confirmedFraudAt: String?
        var lastMinute: Int
        var lastHour: Int
        var lastDay: Int
    }
    var cardId: String
    var profile: Profile?
    var recent: [DecisionView]

    init(cardID: String, state: CardState?, at clock: UInt32, recent: [DecisionFeed.Entry]) {
        cardId = cardID
        self.recent = recent.map(DecisionView.init)
        profile = state.map { card in
            Profile(
                firstSeen: eventTime(card.firstSeen),
                lastSeen: eventTime(card.lastSeen),
                transactionCount: card.transactionCount,
                typicalAmount: card.transactionCount == 0 ? nil : (Foundation.exp(Double(card.logAmountMean)) * 100).rounded() / 100,
                lastCountry: card.lastCountry.isUnknown ? nil : "\(card.lastCountry)",
                lastLatitude: card.lastLocatedAt == 0 ? nil : card.lastLatitude,
                lastLongitude: card.lastLocatedAt == 0 ? nil : card.lastLongitude,
                knownDevices: card.knownDeviceCount,
                confirmedFraudAt: card.confirmedFraudAt == 0
                    ? nil : eventTime(card.confirmedFraudAt),
                lastMinute: card.minuteWindow.totals(at: clock, width: WindowWidth.minute).count,
                lastHour: card.hourWindow.totals(at: clock, width: WindowWidth.hour).count,
                lastDay: card.dayWindow.totals(at: clock, width: WindowWidth.day).count)
        }
    }
}

/// `GET /api/merchants/{id}`: the merchant's state and its sampled recent decisions.
struct MerchantView: Encodable {
    struct Profile: Encodable {
        var lastSeen: String
        var transactionCount: UInt32
        var fraudReports: UInt32
        var lastFraudReportAt: String?
        var lastHour: Int
        var lastDay: Int
    }
    var merchantId: String
    var profile: Profile?
    var recent: [DecisionView]

    init(merchantID: String, state: MerchantState?, at clock: UInt32, recent: [DecisionFeed.Entry]) {
        merchantId = merchantID
        self.recent = recent.map(DecisionView.init)
        profile = state.map { merchant in
            Profile(
                lastSeen: eventTime(merchant.lastSeen),
                transactionCount: merchant.transactionCount, fraudReports: merchant.fraudReports,
                lastFraudReportAt: merchant.lastFraudReportAt == 0
                    ? nil : eventTime(merchant.lastFraudReportAt),
                lastHour: merchant.hourWindow.totals(at: clock, width: WindowWidth.hour).count,
                lastDay: merchant.dayWindow.totals(at: clock, width: WindowWidth.day).count)
        }
    }
}

/// The answer to a label sent from the page.
struct LabelView: Encodable {
    var transactionId: String
    var label: String
    /// What the engine did with it: applied, duplicate, deferred or refused.
    var disposition: String
}

/// The answer to start, stop and reset.
struct GenerationView: Encodable {
    var running: Bool
    var rate: Int
    var totalTransactions: Int
}

/// An engine event time (seconds since `EventTime`'s epoch) as ISO 8601.
func eventTime(_ seconds: UInt32) -> String {
    ISO8601Timestamp.format(EventTime.unixMs(fromSeconds: seconds))
}
