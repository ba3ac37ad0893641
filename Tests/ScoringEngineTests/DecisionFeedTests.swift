import ScoringEngine
import ScoringModel
import StreamifyWire
import Testing

/// The dashboard's feed: samples only as many decisions as it was granted, keeps bounded rings
/// and bounded breakdowns, and forgets everything on reset.
@Suite("Decision feed")
struct DecisionFeedTests {
    static func transaction(_ index: Int, category: String = "5411") -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: "card-\(index % 3)", merchantID: "m-\(index % 2)", amountMinor: 1_000,
            currency: "USD", eventTimeMs: 1_793_628_000_000 + Int64(index) * 1_000, country: "US",
            merchantCategory: category, paymentMethod: "credit_card")
    }

    /// Scores `count` transactions through a service feeding `feed`.
    static func score(_ count: Int, into feed: DecisionFeed, from start: Int = 0, category: (Int) -> String = { _ in "5411" }) {
        let service = ScoringService(engine: RiskEngine(), feed: feed)
        let arena = MessageArena()
        var counters = ScoringCounters()
        for index in start..<(start + count) {
            arena.reset()
            _ = service.score(transaction(index, category: category(index)).protobufC(in: arena), counters: &counters)
        }
    }

    @Test("nothing is sampled before a grant, and no more than granted after one")
    func samplesOnlyWhatIsGranted() {
        var settings = DecisionFeed.Settings()
        settings.samplesPerGrant = 3
        settings.alertsPerGrant = 0
        let feed = DecisionFeed(settings: settings)
        Self.score(10, into: feed)
        #expect(feed.snapshot().sampled == 0)
        feed.grant()
        Self.score(10, into: feed, from: 10)
        let snapshot = feed.snapshot()
        #expect(snapshot.sampled == 3)
        #expect(snapshot.recent.map(\.transaction.transactionID) == ["tx-12", "tx-11", "tx-10"])
        #expect(feed.recent(limit: 2).map(\.transaction.transactionID) == ["tx-12", "tx-11"], "a ring not yet full")
        #expect(feed.shares().sampled == 3)
        #expect(feed.entry(transactionID: "tx-11")?.transaction.cardID == "card-2")
        #expect(feed.entry(transactionID: "tx-13") == nil)
    }

    @Test("the rings keep the newest entries up to their capacity")
    func ringsAreBounded() {
        var settings = DecisionFeed.Settings()
        settings.recentCapacity = 4
        settings.samplesPerGrant = 100
        let feed = DecisionFeed(settings: settings)
        feed.grant()
        Self.score(10, into: feed)
        let snapshot = feed.snapshot()
        #expect(snapshot.sampled == 10)
        #expect(snapshot.recent.map(\.transaction.transactionID) == ["tx-9", "tx-8", "tx-7", "tx-6"])
        #expect(feed.recent(limit: 3).map(\.transaction.transactionID) == ["tx-9", "tx-8", "tx-7"], "a ring gone round")
        #expect(feed.recent(limit: 100).count == 4)
        #expect(feed.recent(limit: 0).isEmpty)
        #expect(feed.shares().categories == snapshot.categories)
        #expect(feed.entries(cardID: "card-0").map(\.transaction.transactionID) == ["tx-9", "tx-6"])
        #expect(snapshot.categories["5411"] == DecisionFeed.Share(count: 10, amountMinor: 10_000))
    }

    @Test("distinct values beyond the bound count as other")
    func breakdownsAreBounded() {
        var settings = DecisionFeed.Settings()
        settings.distinctValues = 2
        let feed = DecisionFeed(settings: settings)
        feed.grant()
        Self.score(5, into: feed, category: { ["5411", "5812", "5999", "4121", "5411"][$0] })
        let categories = feed.snapshot().categories
        #expect(categories.count == 3)
        #expect(categories["5411"]?.count == 2)
        #expect(categories[DecisionFeed.otherValue]?.count == 2)
    }

    @Test("reset forgets every entry and count")
    func reset() {
        let feed = DecisionFeed()
        feed.grant()
        Self.score(5, into: feed)
        feed.reset()
        let snapshot = feed.snapshot()
        #expect(snapshot.sampled == 0)
        #expect(snapshot.recent.isEmpty && snapshot.alerts.isEmpty && snapshot.categories.isEmpty)
    }

    @Test("amounts summing past Int.max saturate a share and wrap the totals, whose differences stay exact")
    func hugeAmountsDoNotTrap() {
        var settings = DecisionFeed.Settings()
        settings.samplesPerGrant = 10
        let feed = DecisionFeed(settings: settings)
        feed.grant()
        let arena = MessageArena()
        var huge = Self.transaction(1)
        huge.amountMinor = Int64.max / 2 + 1
        for _ in 0..<3 {
            arena.reset()
            feed.record(huge.protobufC(in: arena), ScoringService.Decision())
        }
        #expect(feed.snapshot().categories["5411"] == DecisionFeed.Share(count: 3, amountMinor: .max))

        let metrics = ScoringMetrics()
        var counters = ScoringCounters()
        counters.transactions = 1
        counters.amountMinor = .max - 5
        metrics.collect(&counters)
        let before = metrics.totalsSnapshot
        counters.transactions = 1
        counters.amountMinor = 10
        metrics.collect(&counters)
        #expect(metrics.totalsSnapshot.since(before).amountMinor == 10)
    }
}
