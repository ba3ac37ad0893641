/// Scored transactions awaiting their outcome, keyed by transaction-id fingerprint.
///
/// Bounded: at most `capacity` entries; when full, the oldest transactions are evicted (their
/// outcome is then never learned from). A transaction *matures* once the log's event-time clock
/// is `maturitySeconds` past it: with no fraud label by then it counts as legitimate, and
/// `collectMatured` hands it over. Labelled entries stay until they mature too, so a second
/// label for the same transaction is recognised as a duplicate.
public final class OutcomeLog: @unchecked Sendable {
    let table: StripedTable<OutcomeEntry>
    /// Event time after which a transaction without a fraud label counts as legitimate.
    public let maturitySeconds: UInt32

    /// An empty log of at most `capacity` entries over `stripeCount` lock stripes (a power of two).
    public init(stripeCount: Int = 64, capacity: Int, maturitySeconds: UInt32) {
        self.maturitySeconds = maturitySeconds
        // Arrival order: no sweep on insert, as every entry must leave through `collectMatured`
        // to be learned from, and a full log gives up its oldest transactions.
        self.table = StripedTable(
            stripeCount: stripeCount, capacity: capacity, idleSeconds: maturitySeconds, retention: .arrivalOrder)
    }

    /// Logs a scored transaction (hot path: one stripe lock, no allocation). A transaction id
    /// seen before keeps what was logged first.
    @inline(__always)
    public func log(
        _ transaction: TransactionFeatures, features: FeatureVector, championScore: Float, challengerScore: Float,
        generation: UInt16 = 0
    ) {
        table.update(transaction.transaction, at: transaction.eventSeconds) { entry, isNew in
            guard isNew else { return }
            entry.features = features
            entry.card = transaction.card
            entry.merchant = transaction.merchant
            entry.device = transaction.device
            entry.ipAddress = transaction.ipAddress
            entry.championScore = championScore
            entry.challengerScore = challengerScore
            entry.generation = generation
            entry.scored = true
        }
    }

    /// What a label found in the log.
    public enum Claim: Sendable {
        /// The transaction was already labelled: change nothing.
        case duplicate
        /// The transaction is not in the log (never scored here, or evicted); it is marked
        /// labelled now so that a repeat of this label is a duplicate.
        case unknown
        /// The scored transaction, now marked labelled.
        case scored(OutcomeEntry)
        /// A transaction of another card was scored under this id (an id reused): it is not the
        /// one labelled, and is left as it was.
        case otherCard
    }

    /// Marks `transaction`, of `card`, labelled and says what was known about it.
    public func claimLabel(_ transaction: EntityKey, card: EntityKey, eventSeconds: UInt32) -> Claim {
        table.update(transaction, at: eventSeconds) { entry, _ in
            if entry.scored, entry.card != card { return .otherCard }
            if entry.labelled { return .duplicate }
            entry.labelled = true
            return entry.scored ? .scored(entry) : .unknown
        }
    }

    /// Removes matured entries; returns how many went and the scored, unlabelled ones among
    /// them (implicitly legitimate).
    public func collectMatured() -> (removed: Int, legitimate: [OutcomeEntry]) {
        var matured: [OutcomeEntry] = []
        let removed = table.expireIdle { entry in
            if entry.scored, !entry.labelled { matured.append(entry) }
        }
        return (removed, matured)
    }

    /// The logged entry for `transaction`, if any.
    public func entry(_ transaction: EntityKey) -> OutcomeEntry? { table.snapshot(transaction) }

    /// Entries held now.
    public var count: Int { table.count }
}
