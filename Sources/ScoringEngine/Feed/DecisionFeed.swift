import CStreamifyProto
import ScoringModel
import StreamifyWire
import Synchronization

/// Recent decisions, sampled for a dashboard: bounded rings of transactions and of alerts, and
/// the sampled transactions' shares by category, payment method and country.
///
/// Sampling is by allowance, not by chance: the dashboard grants `Settings.samplesPerGrant`
/// transactions and `Settings.alertsPerGrant` alerts at each of its ticks (`grant()`), and
/// the first decisions scored after a grant use them up. So the cost to the hot path is one
/// relaxed atomic load per transaction while no allowance is left, and at most a few thousand
/// copied decisions a second however fast the daemon scores. At demo rates every decision is kept.
///
/// Thread-safe: any door's threads offer decisions, the dashboard reads.
public final class DecisionFeed: Sendable {
    /// Bounds of the feed.
    public struct Settings: Sendable {
        /// Transactions kept in the recent ring.
        public var recentCapacity = 500
        /// Alerts (medium or above) kept in the alert ring.
        public var alertCapacity = 500
        /// Transactions sampled per grant.
        public var samplesPerGrant = 100
        /// Alerts sampled per grant.
        public var alertsPerGrant = 100
        /// Distinct categories, payment methods and countries counted; the rest count as "other".
        public var distinctValues = 64

        /// The defaults.
        public init() {}
    }

    /// One sampled decision.
    public struct Entry: Sendable {
        /// Position in the order sampled, from 1; survives `reset()`.
        public var sequence: Int
        /// The transaction as received.
        public var transaction: Transaction
        /// Its score, level and factor outcomes.
        public var assessment: RiskAssessment
        /// The model that scored it.
        public var modelVersion: String
    }

    /// Count and amount of the sampled transactions with one value of a field.
    public struct Share: Sendable, Equatable {
        /// Sampled transactions.
        public var count = 0
        /// Their summed `amount_minor`.
        public var amountMinor = 0

        /// A share of `count` transactions summing to `amountMinor`.
        public init(count: Int = 0, amountMinor: Int = 0) {
            self.count = count
            self.amountMinor = amountMinor
        }
    }

    /// What the feed holds at one moment.
    public struct Snapshot: Sendable {
        /// Recent sampled transactions, newest first.
        public var recent: [Entry]
        /// Recent sampled alerts, newest first.
        public var alerts: [Entry]
        /// Sampled transactions by merchant category, payment method and country.
        public var categories: [String: Share]
        public var paymentMethods: [String: Share]
        public var countries: [String: Share]
        /// Transactions sampled since the last reset.
        public var sampled: Int
    }

    /// The shares of `Snapshot` without its entries: what the analytics read every second.
    public struct Shares: Sendable {
        /// Sampled transactions by merchant category, payment method and country.
        public var categories: [String: Share]
        public var paymentMethods: [String: Share]
        public var countries: [String: Share]
        /// Transactions sampled since the last reset.
        public var sampled: Int
    }

    /// The lowest level shown as an alert.
    public static let alertLevel = RiskLevel.medium
    /// The key under which values beyond `Settings.distinctValues` are counted.
    public static let otherValue = "other"

    public let settings: Settings
    private let transactionAllowance = Atomic<Int>(0)
    private let alertAllowance = Atomic<Int>(0)
    private let state: Mutex<State>

    private struct State {
        var recent: Ring
        var alerts: Ring
        var categories: [String: Share] = [:]
        var paymentMethods: [String: Share] = [:]
        var countries: [String: Share] = [:]
        var sampled = 0
        var sequence = 0
    }

    /// A ring of the newest `capacity` entries.
    private struct Ring {
        let capacity: Int
        var entries: [Entry] = []
        var next = 0

        init(capacity: Int) {
            self.capacity = max(capacity, 1)
            entries.reserveCapacity(self.capacity)
        }

        mutating func append(_ entry: Entry) {
            if entries.count < capacity {
                entries.append(entry)
            } else {
                entries[next] = entry
            }
            next = (next + 1) % capacity
        }

        /// Newest first.
        var newestFirst: [Entry] { newest(entries.count) }

        /// The newest `limit` entries (at most), newest first.
        func newest(_ limit: Int) -> [Entry] {
            let count = min(max(limit, 0), entries.count)
            var result: [Entry] = []
            result.reserveCapacity(count)
            // `next` is where the oldest is once the ring is full; until then, `entries.count`.
            var index = entries.count == capacity ? next : entries.count
            for _ in 0..<count {
                index = (index == 0 ? entries.count : index) - 1
                result.append(entries[index])
            }
            return result
        }
    }

    /// An empty feed with no allowance until the first `grant()`.
    public init(settings: Settings = Settings()) {
        self.settings = settings
        state = Mutex(State(recent: Ring(capacity: settings.recentCapacity), alerts: Ring(capacity: settings.alertCapacity)))
    }

    /// Whether a decision at `level` would be kept now: the hot path's only cost while the
    /// allowances are used up.
    @inline(__always)
    public func wantsSample(of level: RiskLevel) -> Bool {
        if transactionAllowance.load(ordering: .relaxed) > 0 { return true }
        return level >= Self.alertLevel && alertAllowance.load(ordering: .relaxed) > 0
    }

    /// Keeps `transaction` and its decision if an allowance is left for it.
    public func record(_ transaction: UnsafePointer<Streamify__V1__Transaction>, _ decision: ScoringService.Decision) {
        let asAlert = decision.assessment.level >= Self.alertLevel && Self.claim(alertAllowance)
        let asSample = Self.claim(transactionAllowance)
        guard asAlert || asSample else { return }
        let copy = Transaction(protobufC: transaction)
        let distinct = settings.distinctValues
        state.withLock { state in
            state.sequence += 1
            let entry = Entry(
                sequence: state.sequence, transaction: copy, assessment: decision.assessment,
                modelVersion: decision.modelVersion)
            if asAlert { state.alerts.append(entry) }
            guard asSample else { return }
            state.recent.append(entry)
            state.sampled += 1
            Self.count(copy.merchantCategory, copy.amountMinor, in: &state.categories, distinct: distinct)
            Self.count(copy.paymentMethod, copy.amountMinor, in: &state.paymentMethods, distinct: distinct)
            Self.count(copy.country, copy.amountMinor, in: &state.countries, distinct: distinct)
        }
    }

    /// Takes one unit of `allowance` if any is left.
    private static func claim(_ allowance: borrowing Atomic<Int>) -> Bool {
        var left = allowance.load(ordering: .relaxed)
        while left > 0 {
            let (exchanged, original) = allowance.compareExchange(
                expected: left, desired: left - 1, ordering: .relaxed)
            if exchanged { return true }
            left = original
        }
        return false
    }

    private static func count(_ value: String, _ amountMinor: Int64, in shares: inout [String: Share], distinct: Int) {
        let key = value.isEmpty ? "unknown" : (shares[value] != nil || shares.count < distinct ? value : otherValue)
        shares[key, default: Share()].count += 1
        // Saturating: a share is shown as it stands, and enough large amounts would pass `Int.max`.
        let (sum, overflow) = shares[key, default: Share()].amountMinor.addingReportingOverflow(Int(amountMinor))
        shares[key, default: Share()].amountMinor = overflow ? .max : sum
    }

    /// Grants the allowances for the next period (the dashboard's tick).
    public func grant() {
        transactionAllowance.store(settings.samplesPerGrant, ordering: .relaxed)
        alertAllowance.store(settings.alertsPerGrant, ordering: .relaxed)
    }

    /// Everything held now.
    public func snapshot() -> Snapshot {
        state.withLock { state in
            Snapshot(
                recent: state.recent.newestFirst, alerts: state.alerts.newestFirst, categories: state.categories,
                paymentMethods: state.paymentMethods, countries: state.countries, sampled: state.sampled)
        }
    }

    /// The shares and the sample count now, without copying the entries: the lock scoring takes
    /// to record a sample is held for a few reference counts, not for the rings.
    public func shares() -> Shares {
        state.withLock { state in
            Shares(categories: state.categories, paymentMethods: state.paymentMethods, countries: state.countries, sampled: state.sampled)
        }
    }

    /// The newest `limit` recent samples, newest first.
    public func recent(limit: Int) -> [Entry] {
        state.withLock { $0.recent.newest(limit) }
    }

    /// The newest `limit` sampled alerts, newest first.
    public func alerts(limit: Int) -> [Entry] {
        state.withLock { $0.alerts.newest(limit) }
    }

    /// The newest entry held for the transaction `transactionID`, if any.
    public func entry(transactionID: String) -> Entry? {
        state.withLock { state in
            let found = (state.recent.entries + state.alerts.entries).filter { $0.transaction.transactionID == transactionID }
            return found.max { $0.sequence < $1.sequence }
        }
    }

    /// The entries held for card `cardID`, newest first.
    public func entries(cardID: String) -> [Entry] {
        entries { $0.transaction.cardID == cardID }
    }

    /// The entries held for merchant `merchantID`, newest first.
    public func entries(merchantID: String) -> [Entry] {
        entries { $0.transaction.merchantID == merchantID }
    }

    private func entries(where matches: (Entry) -> Bool) -> [Entry] {
        let all = state.withLock { state in (state.recent.entries + state.alerts.entries).filter(matches) }
        var seen = Set<Int>()
        return all.sorted { $0.sequence > $1.sequence }.filter { seen.insert($0.sequence).inserted }
    }

    /// Forgets every entry and count (the dashboard's reset).
    public func reset() {
        state.withLock { state in
            state = State(
                recent: Ring(capacity: settings.recentCapacity), alerts: Ring(capacity: settings.alertCapacity),
                sequence: state.sequence)
        }
    }
}
