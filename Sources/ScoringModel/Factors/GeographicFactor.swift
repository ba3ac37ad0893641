#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Geographic: implied travel speed since the last located transaction, and country changes.
enum GeographicFactor {
    /// Faster than an airliner: no one card-holder did this.
    static let impossibleSpeedKmh = 900.0
    static let fastSpeedKmh = 300.0

    /// Scores the factor against the card's state before the transaction, recording the raw
    /// features it looked at (its score is recorded by `RiskModel.assess`).
    static func evaluate(_ context: ScoringContext, into features: inout FeatureVector) -> FactorOutcome {
        let transaction = context.transaction
        let card = context.card
        var signals = TopSignals()
        var quiet = Signal(.noLocation)

        if transaction.hasLocation {
            if card.lastLocatedAt == 0 {
                quiet = Signal(.firstLocation)
            } else {
                let distance = greatCircleKilometres(
                    Double(card.lastLatitude), Double(card.lastLongitude), transaction.latitude, transaction.longitude)
                let elapsed = context.seconds > card.lastLocatedAt
                    ? context.seconds - card.lastLocatedAt : card.lastLocatedAt - context.seconds
                let minutes = Double(elapsed) / 60
                // Below a minute, timestamps and coordinates are too coarse to divide by.
                let speed = distance / (max(minutes, 1) / 60)
                quiet = Signal(.travelPlausible, distance, minutes)
                features[.travelDistanceLog10] = Float(log10(1 + distance))
                features[.travelSpeedLog10] = Float(log10(1 + speed))
                if distance >= 100, speed >= impossibleSpeedKmh {
                    let score = min(1, 0.7 + 0.3 * (speed - impossibleSpeedKmh) / 2100)
                    signals.add(score, Signal(.travelImpossible, distance, minutes, speed))
                } else if distance >= 300, speed >= fastSpeedKmh {
                    signals.add(0.25, Signal(.travelFast, distance, minutes, speed))
                }
            }
        }

        if !transaction.country.isUnknown, !card.lastCountry.isUnknown, !card.knowsCountry(transaction.country) {
            features[.countryChange] = 1
            signals.add(
                transaction.channel.isPhysical ? 0.45 : 0.3,
                Signal(.countryChange, Double(card.lastCountry.rawValue), Double(transaction.country.rawValue)))
        }
        return signals.outcome(otherwise: quiet)
    }

    /// Haversine distance on a sphere of the earth's mean radius.
    static func greatCircleKilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371.0088 * 2 * atan2(a.squareRoot(), max(0, 1 - a).squareRoot())
    }
}
