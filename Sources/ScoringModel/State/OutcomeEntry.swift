/// What the outcome log keeps about one scored transaction until its outcome is known:
/// what the model saw then (the feature vector) and which entities to blame if it was fraud.
public struct OutcomeEntry: TableEntry, Sendable {
    /// Fingerprint of the transaction id.
    public private(set) var key: UInt64
    /// The transaction's event time. Never moved forward: it is what maturity counts from.
    public private(set) var lastSeen: UInt32
    /// The feature vector it was scored with, packed (the log holds a million of these).
    public var packedFeatures: PackedFeatureVector
    /// The byte the alignment of `card` leaves after `packedFeatures`: zero, spelled out so that
    /// a snapshot writes a zero there rather than whatever the memory held (the layout is
    /// unchanged; `RecordPaddingTests` checks nothing is left uncovered).
    private var spareAfterFeatures: UInt8 = 0
    /// Fingerprint of its card.
    public var card: EntityKey
    /// Fingerprint of its merchant.
    public var merchant: EntityKey
    /// Fingerprint of its device (`.none` when none was given).
    public var device: EntityKey
    /// 32-bit IP fingerprint (0 = none).
    public var ipAddress: UInt32
    /// The champion's score for it.
    public var championScore: Float
    /// The challenger's score for it.
    public var challengerScore: Float
    /// `ServingModels.generation` of the models that scored it.
    public var generation: UInt16
    /// Whether a transaction was scored under this id (false: only a label was seen).
    public var scored: Bool
    /// Whether a label (fraud or legitimate) was applied; later labels are duplicates.
    public var labelled: Bool

    /// An empty entry, neither scored nor labelled, at event time `firstSeen`.
    public init(key: UInt64, firstSeen: UInt32) {
        self.key = key
        self.lastSeen = firstSeen
        self.packedFeatures = PackedFeatureVector()
        self.card = .none
        self.merchant = .none
        self.device = .none
        self.ipAddress = 0
        self.championScore = 0
        self.challengerScore = 0
        self.generation = 0
        self.scored = false
        self.labelled = false
    }

    /// The transaction's event time.
    public var eventSeconds: UInt32 { lastSeen }

    /// The feature vector it was scored with.
    public var features: FeatureVector {
        get { packedFeatures.unpacked }
        set { packedFeatures = PackedFeatureVector(newValue) }
    }
}
