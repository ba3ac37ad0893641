/// One piece of evidence behind a factor score, kept as numbers and rendered to text on demand.
///
/// Scoring never builds strings: it records what it saw (`kind` plus up to three values), and
/// the reason is written out only when a response is encoded.
public struct Signal: Sendable, BitwiseCopyable {
    /// What was seen; it decides what `a`, `b` and `c` mean and how the reason reads.
    public enum Kind: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// No evidence; renders as nothing.
        case none
        // amount
        case amountInLine, amountAboveProfile, amountColdStart, amountLarge
        // velocity
        case velocityQuiet, velocityMinute, velocityHour, velocityDay, spendDay
        // geographic
        case noLocation, firstLocation, travelPlausible, travelFast, travelImpossible, countryChange
        // device
        case noDevice, firstDevice, knownDevice, newDevice, sharedDevice, networkChange, fraudDevice
        // pattern
        case noPattern, riskyCategory, riskyMethod, microAmount, roundAmount, unusualHour, confirmedFraud
        // learned from outcomes (only with a learned combiner)
        case fraudIP, merchantFraudWeek, merchantFraudMonth, learnedFeature
    }

    /// What was seen; says what `a`, `b` and `c` mean.
    public var kind: Kind
    /// The bytes the alignment of `a` leaves after `kind`: zeros, spelled out so that a raw copy
    /// written to the state (an input's recorded answer) holds zeros there rather than whatever the
    /// memory held (the layout is unchanged; `RecordPaddingTests` checks nothing is left
    /// uncovered).
    private var spare = InlineArray<7, UInt8>(repeating: 0)
    /// First value (its meaning depends on `kind`, e.g. the amount for `.amountInLine`).
    public var a: Double
    /// Second value (its meaning depends on `kind`).
    public var b: Double
    /// Third value (its meaning depends on `kind`).
    public var c: Double

    /// A signal of `kind` with up to three values (unused ones 0).
    public init(_ kind: Kind, _ a: Double = 0, _ b: Double = 0, _ c: Double = 0) {
        self.kind = kind
        self.a = a
        self.b = b
        self.c = c
    }

    /// No evidence: what an unused `FactorOutcome.secondary` holds.
    public static let none = Signal(.none)

    /// The human-readable reason.
    public var text: String { String { render(into: &$0) } }

    /// Writes the human-readable reason into `w` (nothing for `.none`).
    public func render(into w: inout ReasonWriter) {
        switch kind {
        case .none:
            break
        case .amountInLine:
            w.append(money: a)
            w.append(" is in line with this card's usual ")
            w.append(money: b)
        case .amountAboveProfile:
            w.append(money: a)
            w.append(" is ")
            w.append(compact: b > 0 ? a / b : 0)
            w.append("x this card's usual ")
            w.append(money: b)
            w.append(" (z ")
            w.append(c, fractionDigits: 1)
            w.append(")")
        case .amountColdStart:
            w.append(money: a)
            w.append(" on a card with ")
            w.append(whole: b)
            w.append(b == 1 ? " earlier transaction; judged against all cards" : " earlier transactions; judged against all cards")
        case .amountLarge:
            w.append(money: a)
            w.append(" is a large amount in absolute terms")
        case .velocityQuiet:
            w.append(whole: a)
            w.append(a == 1 ? " transaction in 1 h; card's usual rate " : " transactions in 1 h; card's usual rate ")
            w.append(compact: b)
            w.append("/day")
        case .velocityMinute, .velocityHour, .velocityDay:
            w.append(whole: a)
            w.append(kind == .velocityMinute ? " transactions in 60 s" : kind == .velocityHour ? " transactions in 1 h" : " transactions in 24 h")
            w.append("; card's usual rate ")
            w.append(compact: b)
            w.append("/day")
        case .spendDay:
            w.append(money: a)
            w.append(" spent in 24 h; card's usual ")
            w.append(money: b)
            w.append("/day")
        case .noLocation:
            w.append("no location given")
        case .firstLocation:
            w.append("first located use of this card")
        case .travelPlausible, .travelFast, .travelImpossible:
            w.append(whole: a.rounded())
            w.append(" km from last use ")
            w.append(durationMinutes: b)
            w.append(" ago")
            if kind != .travelPlausible {
                w.append(": ")
                w.append(whole: c.rounded())
                w.append(" km/h")
                if kind == .travelImpossible { w.append(" (impossible travel)") }
            }
        case .countryChange:
            w.append("country changed ")
            w.append(country: Self.country(a))
            w.append(" -> ")
            w.append(country: Self.country(b))
            w.append(", not seen on this card before")
        case .noDevice:
            w.append("no device fingerprint given")
        case .firstDevice:
            w.append("first device seen on this card")
        case .knownDevice:
            w.append("known device, used ")
            w.append(whole: a)
            w.append(a == 1 ? " time before" : " times before")
        case .newDevice:
            w.append("new device; card has ")
            w.append(whole: a)
            w.append(a == 1 ? " established device" : " established devices")
        case .sharedDevice:
            w.append("device used by ")
            w.append(whole: a)
            w.append(a >= 6 ? "+ other cards in 24 h" : " other cards in 24 h")
        case .networkChange:
            w.append("IP address and user agent both changed")
        case .fraudDevice:
            w.append("device tied to confirmed fraud ")
            w.append(durationMinutes: a)
            w.append(" ago")
        case .noPattern:
            w.append("no risky pattern")
        case .riskyCategory:
            w.append("high-risk category: ")
            w.append(UInt8(exactly: a).flatMap(MerchantCategory.init(rawValue:))?.name ?? "unknown")
        case .riskyMethod:
            w.append("high-risk payment method: ")
            w.append(UInt8(exactly: a).flatMap(PaymentMethod.init(rawValue:))?.name ?? "unknown")
        case .microAmount:
            w.append(money: a)
            w.append(" card-not-present: typical card-testing amount")
            if b >= 2 {
                w.append(" (")
                w.append(whole: b)
                w.append(" in 60 s)")
            }
        case .roundAmount:
            w.append("round amount ")
            w.append(money: a)
        case .unusualHour:
            if a < 10 { w.append("0") }
            w.append(whole: a)
            w.append(":00 local time is unusual for this card (")
            w.append(whole: b.rounded())
            w.append("% of its history)")
        case .confirmedFraud:
            w.append("card has confirmed fraud reported ")
            w.append(durationMinutes: a)
            w.append(" ago")
        case .fraudIP:
            w.append("IP address tied to confirmed fraud ")
            w.append(durationMinutes: a)
            w.append(" ago")
        case .merchantFraudWeek, .merchantFraudMonth:
            w.append("merchant fraud rate ")
            w.append(a, fractionDigits: 1)
            w.append(kind == .merchantFraudWeek ? "% over 7 days (" : "% over 30 days (")
            w.append(whole: b)
            w.append(" of ")
            w.append(whole: c)
            w.append(" transactions with known outcome)")
        case .learnedFeature:
            w.append("learned from outcomes: ")
            let index = Int(exactly: a) ?? -1
            w.append(index >= 0 && index < FeatureVector.count ? FeatureVector.names[index] : "unknown feature")
            w.append(" (+")
            w.append(b, fractionDigits: 1)
            w.append(" log-odds)")
        }
    }

    /// The country whose code a signal keeps as a value: unknown for a value that is not two
    /// letters (a signal read back from a file may hold anything; a reason stays ASCII).
    private static func country(_ value: Double) -> CountryCode {
        guard let code = UInt16(exactly: value) else { return .unknown }
        return withUnsafeBytes(of: (UInt8(code >> 8), UInt8(code & 0xFF))) { CountryCode(bytes: $0) } ?? .unknown
    }
}
