/// The numbers behind one decision: the five factor scores, the raw features behind them, and
/// one-hot merchant category, payment method and channel. Fixed-size and trivially copyable,
/// so filling it, logging it and learning from it never allocate.
///
/// Each factor's `evaluate` fills its own part. A learned combiner (`LogisticCombiner`) reads
/// the whole vector; the online learner trains on the vectors the outcome log kept. Features
/// are grouped by the factor that explains them (`group(of:)`), so a learned score can still
/// be split across the five factors.
///
/// Scales are chosen to keep every value within about ±10: counts and ratios are logarithms,
/// fraud rates are percentages, flags are 0 or 1.
///
/// A loop over the values reads `values.span`, taken once before it. Indexing an inline array
/// that is a parameter, a `let` or a class's property copies the whole array at every read
/// (256 bytes here): in `LogisticCombiner.logit` that was a fifth of the daemon's CPU. The same
/// holds for `RiskAssessment.factors` and every other `InlineArray`.
public struct FeatureVector: Sendable, BitwiseCopyable {
    /// Room in the vector; `count` of it is used.
    public static let capacity = 64

    /// The features, at the indices below; only the first `count` are used.
    public var values: InlineArray<64, Float>

    /// An all-zero vector.
    public init() { values = .init(repeating: 0) }

    /// Feature `index` (0..<`capacity`).
    @inline(__always)
    public subscript(index: Int) -> Float {
        get { values[index] }
        set { values[index] = newValue }
    }

    /// Whether every value is a finite number (the learner refuses anything else).
    public var isFinite: Bool {
        let values = values.span
        for index in 0..<Self.count where !values[index].isFinite { return false }
        return true
    }

    /// Named feature `feature`.
    @inline(__always)
    public subscript(feature: Feature) -> Float {
        get { values[feature.rawValue] }
        set { values[feature.rawValue] = newValue }
    }

    // MARK: - Layout: the named features (`Feature`), the one-hots, the hand-set verdict

    /// First of the one-hot merchant categories (`MerchantCategory.rawValue` added).
    public static let categoryBase = Feature.allCases.count
    /// First of the one-hot payment methods (`PaymentMethod.rawValue` added).
    public static let methodBase = categoryBase + MerchantCategory.allCases.count
    /// First of the one-hot channels (`TransactionChannel.rawValue` added).
    public static let channelBase = methodBase + PaymentMethod.allCases.count
    /// The hand-set noisy-OR's score as log-odds, within ±12: what the champion says, so a
    /// learned challenger can start from it (coefficient 1) and learn how far to trust it.
    public static let handsetLogit = channelBase + TransactionChannel.allCases.count
    /// Features in use.
    public static let count = handsetLogit + 1

    /// Index of `category`'s one-hot feature.
    @inline(__always)
    public static func category(_ category: MerchantCategory) -> Int { categoryBase + Int(category.rawValue) }

    /// Index of `method`'s one-hot feature.
    @inline(__always)
    public static func method(_ method: PaymentMethod) -> Int { methodBase + Int(method.rawValue) }

    /// Index of `channel`'s one-hot feature.
    @inline(__always)
    public static func channel(_ channel: TransactionChannel) -> Int { channelBase + Int(channel.rawValue) }

    /// The raw features behind each factor (besides its score, `Feature.score(of:)`), indexed by
    /// `RiskFactor.rawValue`; the pattern factor's range includes the one-hots. `handsetLogit` is
    /// in none: it speaks for all five, in the noisy-OR's proportions. Derived from
    /// `Feature.factor`, whose raw features must stand together (checked here, once).
    public static let rawRanges: FactorSlots<Range<Int>> = {
        var ranges = FactorSlots<Range<Int>>(repeating: 0..<0)
        for factor in RiskFactor.allCases {
            let raw = Feature.allCases.filter { $0.factor == factor && $0 != Feature.score(of: factor) }.map(\.rawValue)
            guard let first = raw.first, let last = raw.last else { continue }
            precondition(raw.count == last - first + 1, "the \(factor.name) factor's raw features do not stand together")
            ranges[factor.rawValue] = first..<(last + 1)
        }
        let pattern = RiskFactor.pattern.rawValue
        precondition(ranges[pattern].upperBound == categoryBase, "the pattern factor's raw features must come last")
        ranges[pattern] = ranges[pattern].lowerBound..<handsetLogit
        return ranges
    }()

    /// The factor that explains feature `index` (`.pattern` for the one-hots, and for
    /// `handsetLogit`, which a learned combiner splits across all five instead).
    @inline(__always)
    public static func group(of index: Int) -> RiskFactor {
        Feature(rawValue: index)?.factor ?? .pattern
    }

    /// Whether feature `index` is a one-hot indicator (no hand-set signal describes it).
    @inline(__always)
    public static func isOneHot(_ index: Int) -> Bool { index >= categoryBase && index < handsetLogit }

    /// Feature names as model files spell them, indexed like the vector.
    public static let names: [StaticString] = {
        var names = Feature.allCases.map(\.name)
        names += [
            "category_unknown", "category_grocery", "category_restaurant", "category_fuel", "category_retail",
            "category_clothing", "category_electronics", "category_jewelry", "category_travel",
            "category_digital_goods", "category_gift_cards", "category_money_transfer", "category_crypto",
            "category_gambling", "category_cash", "category_health", "category_utilities",
            "category_entertainment", "category_services",
        ]
        names += [
            "method_unknown", "method_credit_card", "method_debit_card", "method_wallet", "method_crypto",
            "method_wire_transfer", "method_gift_card", "method_prepaid_card", "method_bank_transfer",
            "method_buy_now_pay_later",
        ]
        names += ["channel_unspecified", "channel_card_present", "channel_online", "channel_contactless", "channel_atm"]
        names += ["handset_logit"]
        precondition(names.count == count && count <= capacity, "feature names out of step with the layout")
        return names
    }()

    /// Index of the feature called `name`, or `nil` (model loading only: it allocates).
    public static func index(named name: String) -> Int? {
        names.firstIndex { $0.string == name }
    }
}
