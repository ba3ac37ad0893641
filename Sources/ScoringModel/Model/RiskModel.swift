#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How factor scores become one risk score and a level: weights and thresholds, versioned.
///
/// Loaded from a JSON model file, or the built-in defaults:
/// ```json
/// { "version": "handset-2026.11",
///   "weights": { "amount": 0.55, "velocity": 0.8, "geographic": 0.9, "device": 0.6, "pattern": 0.6 },
///   "thresholds": { "medium": 0.3, "high": 0.6, "critical": 0.85 } }
/// ```
/// Factors combine as a noisy-OR: `score = 1 - Π(1 - weight·factorScore)`, so one strong
/// factor can raise an alert on its own while weak ones accumulate. Each factor's contribution
/// is its share of the score in proportion to `-ln(1 - weight·factorScore)`; the five add up
/// to the score exactly.
///
/// A learned combination replaces the noisy-OR when the file says so (`weights` is then optional):
/// ```json
/// { "version": "trained-2026.11.24", "combiner": "logistic",
///   "logistic": { "bias": -5.1, "coefficients": { "pattern_score": 2.3, "method_buy_now_pay_later": 0.8 } },
///   "thresholds": { "medium": 0.3, "high": 0.6, "critical": 0.85 } }
/// ```
/// See `LogisticCombiner` and `FeatureVector.names` for the feature names.
public struct RiskModel: Sendable, Codable, Equatable {
    /// One weight per factor, in 0...1, written in a model file as `{"amount": 0.55, ...}`.
    ///
    /// A file may leave factors out: they get their `RiskFactor.defaultWeight`, so a model file
    /// written before a factor existed still loads. A name that is not a factor is refused.
    public struct Weights: Sendable, Codable, Equatable {
        private var values: FactorSlots<Float>

        /// Every factor at its default weight.
        public static let defaults = Weights { $0.defaultWeight }

        /// Weights from a function of the factor.
        public init(_ weight: (RiskFactor) -> Float) {
            values = FactorSlots(repeating: 0)
            for factor in RiskFactor.allCases { values[factor.rawValue] = weight(factor) }
        }

        /// The weight of `factor` (0...1 in a valid model).
        public subscript(factor: RiskFactor) -> Float {
            get { values[factor.rawValue] }
            set { values[factor.rawValue] = newValue }
        }

        public init(from decoder: any Decoder) throws {
            let named = try decoder.singleValueContainer().decode([String: Float].self)
            let known = RiskFactor.allCases.map(\.name)
            if let unknown = named.keys.sorted().first(where: { !known.contains($0) }) {
                throw InvalidModel(description: "weights.\(unknown) is not a factor (\(known.joined(separator: ", ")))")
            }
            self.init { named[$0.name] ?? $0.defaultWeight }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(Dictionary(uniqueKeysWithValues: RiskFactor.allCases.map { ($0.name, self[$0]) }))
        }

        public static func == (lhs: Weights, rhs: Weights) -> Bool {
            RiskFactor.allCases.allSatisfy { lhs[$0] == rhs[$0] }
        }
    }

    /// Where the levels above low begin; a valid model has 0 < medium < high < critical ≤ 1.
    public struct Thresholds: Sendable, Codable, Equatable {
        /// Scores at or above this are at least medium.
        public var medium: Float
        /// Scores at or above this are at least high.
        public var high: Float
        /// Scores at or above this are critical.
        public var critical: Float

        /// Creates a value with every field given.
        public init(medium: Float, high: Float, critical: Float) {
            self.medium = medium
            self.high = high
            self.critical = critical
        }
    }

    /// How factor scores (and the features behind them) become one score.
    public enum Combiner: Sendable, Equatable {
        /// The hand-set noisy-OR of weighted factor scores (the default).
        case noisyOr
        /// Logistic regression over the feature vector.
        case logistic(LogisticCombiner)
    }

    /// The model's name, reported as `model_version` (1 to 64 bytes in a valid model).
    public var version: String
    /// Factor weights for the noisy-OR; a logistic model's file may leave them out (the built-in ones then).
    public var weights: Weights
    /// Where each level begins.
    public var thresholds: Thresholds
    /// How factor scores become one score.
    public var combiner: Combiner

    /// Creates a model with every field given (noisy-OR by default); check it with `validated()`.
    public init(version: String, weights: Weights, thresholds: Thresholds, combiner: Combiner = .noisyOr) {
        self.version = version
        self.weights = weights
        self.thresholds = thresholds
        self.combiner = combiner
    }

    /// The logistic combiner, if this model uses one.
    public var logistic: LogisticCombiner? {
        if case .logistic(let combiner) = combiner { combiner } else { nil }
    }

    private enum CodingKeys: String, CodingKey {
        case version, weights, thresholds, combiner, logistic
    }

    /// The `logistic` object of a model file.
    private struct LogisticFile: Codable {
        var bias: Float
        var coefficients: [String: Float]
        /// How sure training was of each coefficient (optional; only online learning reads it).
        var precision: [String: Float]?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        thresholds = try container.decode(Thresholds.self, forKey: .thresholds)
        let name = try container.decodeIfPresent(String.self, forKey: .combiner) ?? "noisy_or"
        switch name {
        case "noisy_or":
            guard !container.contains(.logistic) else {
                throw InvalidModel(description: "\"logistic\" is given but combiner is noisy_or")
            }
            weights = try container.decode(Weights.self, forKey: .weights)
            combiner = .noisyOr
        case "logistic":
            guard let file = try container.decodeIfPresent(LogisticFile.self, forKey: .logistic) else {
                throw InvalidModel(description: "combiner logistic needs a \"logistic\" object with bias and coefficients")
            }
            weights = try container.decodeIfPresent(Weights.self, forKey: .weights) ?? Self.builtIn.weights
            combiner = .logistic(
                try LogisticCombiner(bias: file.bias, named: file.coefficients, precision: file.precision ?? [:]))
        default:
            throw InvalidModel(description: "combiner must be \"noisy_or\" or \"logistic\", got \"\(name)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(weights, forKey: .weights)
        try container.encode(thresholds, forKey: .thresholds)
        switch combiner {
        case .noisyOr:
            try container.encode("noisy_or", forKey: .combiner)
        case .logistic(let logistic):
            try container.encode("logistic", forKey: .combiner)
            let precision = logistic.namedPrecision
            try container.encode(
                LogisticFile(bias: logistic.bias, coefficients: logistic.named, precision: precision.isEmpty ? nil : precision),
                forKey: .logistic)
        }
    }

    /// The hand-set defaults.
    public static let builtIn = RiskModel(
        version: "handset-2026.11",
        weights: .defaults,
        thresholds: Thresholds(medium: 0.3, high: 0.6, critical: 0.85)
    )

    /// The level a score falls in.
    @inlinable
    public func level(for score: Float) -> RiskLevel {
        if score >= thresholds.critical { return .critical }
        if score >= thresholds.high { return .high }
        if score >= thresholds.medium { return .medium }
        return .low
    }

    /// The longest model version, in UTF-8 bytes: every version a decision carries, the learned
    /// challenger's included, fits.
    public static let maximumVersionBytes = 64

    /// Errors in a model file.
    public struct InvalidModel: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks ranges: weights in 0...1, thresholds strictly increasing inside (0, 1].
    public func validated() throws(InvalidModel) -> RiskModel {
        guard !version.isEmpty, version.utf8.count <= Self.maximumVersionBytes else {
            throw InvalidModel(description: "version must be 1 to \(Self.maximumVersionBytes) bytes")
        }
        for factor in RiskFactor.allCases {
            let weight = weights[factor]
            guard weight.isFinite, weight >= 0, weight <= 1 else {
                throw InvalidModel(description: "weights.\(factor.name) must be within 0...1, got \(weight)")
            }
        }
        if let logistic { try logistic.validate() }
        let t = thresholds
        guard t.medium > 0, t.medium < t.high, t.high < t.critical, t.critical <= 1 else {
            throw InvalidModel(
                description: "thresholds must satisfy 0 < medium < high < critical <= 1, got \(t.medium), \(t.high), \(t.critical)")
        }
        return self
    }

    /// Decodes and validates a model file's JSON.
    public static func decode(json: some Collection<UInt8>) throws -> RiskModel {
        try JSONDecoder().decode(RiskModel.self, from: Data(json)).validated()
    }

    /// The model file: pretty-printed JSON with sorted keys, as `decode(json:)` reads it.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
