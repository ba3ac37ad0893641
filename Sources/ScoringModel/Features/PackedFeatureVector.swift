/// A `FeatureVector` as the outcome log keeps it until the outcome is known: the named features
/// and the hand-set verdict as they are, and each one-hot group (merchant category, payment
/// method, channel) as the index of its set member: 132 bytes instead of 256, so a million
/// logged transactions take about 120 MiB less, and logging one touches two cache lines fewer.
///
/// Exact for every vector the factors fill: `PatternFactor` sets one member of each group to 1
/// and leaves the rest 0. For any other vector a group keeps only its largest positive member,
/// as 1 (none if no member is positive).
public struct PackedFeatureVector: Sendable, BitwiseCopyable {
    /// Where the named features and the hand-set verdict are kept.
    private typealias Dense = InlineArray<32, Float>
    /// Room for the named features and the hand-set verdict (`denseCount` of it is used).
    public static var capacity: Int { Dense.count }
    /// Values kept as they are: the named features, then the hand-set verdict.
    public static let denseCount = Feature.allCases.count + 1

    /// The named features (indices as in `FeatureVector`), then the hand-set verdict.
    private var dense: Dense
    /// The set member of each one-hot group, counted from its base; `Self.noMember` for none.
    private var category: UInt8
    private var method: UInt8
    private var channel: UInt8

    private static let noMember = UInt8.max
    /// `dense` all zero, made once: `Dense(repeating: 0)` was an out-of-line loop, 1.6 % of the
    /// daemon's time as every scored transaction makes an outcome-log entry.
    private static let zeros = Dense(repeating: 0)
    /// `dense`'s slot for `FeatureVector.handsetLogit`.
    private static let handsetSlot = Feature.allCases.count

    /// The all-zero vector, packed.
    public init() {
        precondition(Self.denseCount <= Self.capacity, "PackedFeatureVector.capacity is too small for the named features")
        dense = Self.zeros
        category = Self.noMember
        method = Self.noMember
        channel = Self.noMember
    }

    /// `vector`, packed.
    public init(_ vector: FeatureVector) {
        self.init()
        let values = vector.values.span
        for index in 0..<Feature.allCases.count { dense[index] = values[index] }
        dense[Self.handsetSlot] = values[FeatureVector.handsetLogit]
        category = Self.member(of: values, from: FeatureVector.categoryBase, count: MerchantCategory.allCases.count)
        method = Self.member(of: values, from: FeatureVector.methodBase, count: PaymentMethod.allCases.count)
        channel = Self.member(of: values, from: FeatureVector.channelBase, count: TransactionChannel.allCases.count)
    }

    /// The vector it was packed from.
    public var unpacked: FeatureVector {
        var vector = FeatureVector()
        let dense = dense.span
        for index in 0..<Feature.allCases.count { vector[index] = dense[index] }
        vector[FeatureVector.handsetLogit] = dense[Self.handsetSlot]
        Self.set(category, from: FeatureVector.categoryBase, in: &vector)
        Self.set(method, from: FeatureVector.methodBase, in: &vector)
        Self.set(channel, from: FeatureVector.channelBase, in: &vector)
        return vector
    }

    /// The offset from `base` of the largest positive of `count` values, or `noMember`.
    private static func member(of values: Span<Float>, from base: Int, count: Int) -> UInt8 {
        var best = noMember
        var largest: Float = 0
        for offset in 0..<count where values[base + offset] > largest {
            largest = values[base + offset]
            best = UInt8(offset)
        }
        return best
    }

    private static func set(_ member: UInt8, from base: Int, in vector: inout FeatureVector) {
        if member != noMember { vector[base + Int(member)] = 1 }
    }
}
